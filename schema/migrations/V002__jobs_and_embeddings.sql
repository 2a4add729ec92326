-- Durable background jobs, the embedding index, and the record of which model made the embeddings.

CREATE TABLE job (
  job_id       bigserial   PRIMARY KEY,
  workspace_id text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  kind         text        NOT NULL CHECK (kind IN ('embed', 'discover_relationships')),
  memory_id    text        NOT NULL,              -- no foreign key: a job for a deleted memory finishes as a no-op
  status       text        NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts     integer     NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL DEFAULT now(),  -- not before; pushed back by retries
  locked_by    text,                                -- the worker holding the lease
  lease_until  timestamptz,                         -- a running job past this is claimed again
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
-- What workers look for: pending work that is due, and running work whose lease ran out.
CREATE INDEX job_pending ON job (run_at, job_id) WHERE status = 'pending';
CREATE INDEX job_running ON job (lease_until) WHERE status = 'running';
-- One pending job per memory and kind: edits while a job waits coalesce into it.
CREATE UNIQUE INDEX job_one_pending ON job (kind, memory_id) WHERE status = 'pending';

-- Cosine HNSW index for related-memory and search queries (see MemoryRepository for how a workspace's
-- results are kept complete).
CREATE INDEX memory_embedding_hnsw ON memory USING hnsw (embedding vector_cosine_ops);
CREATE INDEX memory_source_files ON memory USING gin (source_files);
CREATE INDEX memory_concepts ON memory USING gin (concepts);

-- The embedding model the stored vectors come from; a different configured model triggers a re-embed.
CREATE TABLE embedding_space (
  singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  model      text        NOT NULL,
  dimension  integer     NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
