-- Idempotency-Key on the POSTs that create something (store, relationships, feedback): the first answer
-- to a key is kept with the request it answered, and every retry of that request with that key within the
-- retention (24 hours) gets it again instead of creating anything. Written in the same transaction as the
-- write it answers, so a key is never recorded for a write that did not happen, nor the reverse.
CREATE TABLE idempotency_key (
  workspace_id        text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  idempotency_key     text        NOT NULL,
  request_fingerprint text        NOT NULL,   -- SHA-256 of the operation, its path and its body
  status_code         integer     NOT NULL,
  response_body       text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, idempotency_key)
);

-- The worker's purge of keys past the retention.
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
