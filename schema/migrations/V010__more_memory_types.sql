-- The memory types Neuroloom's current plugin stores (its init skill seeds configuration, integration,
-- dependency, security, performance, documentation and learning memories), beside the reference page's nine.
-- A superset of the old list, so every stored memory passes the new check.
ALTER TABLE memory DROP CONSTRAINT memory_memory_type_check;
ALTER TABLE memory ADD CONSTRAINT memory_memory_type_check CHECK (memory_type IN
  ('decision', 'pattern', 'convention', 'architecture', 'discovery', 'incident', 'general', 'wiki',
   'sdlc_knowledge', 'bug_fix', 'integration', 'configuration', 'debugging', 'refactoring', 'documentation',
   'learning', 'dependency', 'performance', 'security'));
