-- Extraction: a worker turns a session's observations into memories (issue 21). Its job is per session, not per
-- memory; what it made is remembered per session, so that running it again (more observations arrived, or a
-- retry) replaces its own memories rather than adding copies.

-- job: a job names a memory or a session, never both. The session's id is the client's, unique per workspace
-- only, so its one-pending rule carries the workspace.
ALTER TABLE job DROP CONSTRAINT job_kind_check;
ALTER TABLE job ADD CONSTRAINT job_kind_check CHECK (kind IN ('embed', 'discover_relationships', 'extract_session'));
ALTER TABLE job ALTER COLUMN memory_id DROP NOT NULL;
ALTER TABLE job ADD COLUMN session_id text;
ALTER TABLE job ADD CONSTRAINT job_names_one_subject CHECK ((memory_id IS NULL) <> (session_id IS NULL));
CREATE UNIQUE INDEX job_one_pending_session ON job (kind, workspace_id, session_id)
  WHERE status = 'pending' AND session_id IS NOT NULL;

-- agent_session: how many of its observations the last extraction saw (observation_count minus this is what
-- waits: the insight's pending_observations), and when it ran.
ALTER TABLE agent_session ADD COLUMN extracted_observations integer NOT NULL DEFAULT 0;
ALTER TABLE agent_session ADD COLUMN extracted_at timestamptz;
-- The idle sweep: sessions with observations not extracted yet, oldest activity first.
CREATE INDEX agent_session_unextracted ON agent_session (last_observation_at)
  WHERE observation_count > extracted_observations;

-- extracted_memory: what one extraction of a session made, by a key stable across runs ('session',
-- 'exchange:3', 'incident:<command>'): the memory it wrote, or the older memory it strengthened instead of
-- adding a near-duplicate; content_hash says whether a run changes it.
CREATE TABLE extracted_memory (
  workspace_id   text        NOT NULL,
  session_id     text        NOT NULL,
  extraction_key text        NOT NULL,
  memory_id      text        NOT NULL,
  content_hash   text        NOT NULL,
  strengthened   boolean     NOT NULL DEFAULT false,   -- an existing memory was strengthened, not written
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, session_id, extraction_key),
  FOREIGN KEY (workspace_id, session_id) REFERENCES agent_session (workspace_id, session_id) ON DELETE CASCADE
);
