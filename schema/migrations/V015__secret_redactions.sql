-- Secrets never stored: texts are redacted before they are written ([REDACTED:<kind>], dev.mnemograph.secrets),
-- and what was taken out is counted, never kept.

-- observation.redacted: how many secrets of each kind were taken out of this observation's content
-- ({"github_token": 1}), null when none. Counted per observation, so a replayed buffer counts nothing twice;
-- a session's and a workspace's counts are sums over these rows.
ALTER TABLE observation ADD COLUMN redacted jsonb;
CREATE INDEX observation_redacted ON observation (workspace_id, session_id) WHERE redacted IS NOT NULL;

-- secret_redaction: what was taken out of the memories and documents a workspace's clients stored.
CREATE TABLE secret_redaction (
  workspace_id text   NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  kind         text   NOT NULL,
  redacted     bigint NOT NULL,
  PRIMARY KEY (workspace_id, kind)
);
