-- The graph: embeddings in a table of their own, discovered edges that are a function of the memories,
-- the per-workspace graph analysis (PageRank, communities), feedback and learned importance.

-- 1. Embeddings leave the memory table. Every write to a memory row (a retrieval event per search result,
-- learned importance, PageRank and community written back by the graph job) otherwise risked a new row
-- version off its page and with it an insert into the HNSW index: measured on PostgreSQL 17 at 20,000
-- memories, rewriting one number of every row took 15.5 s with the vector in the row and 0.43 s without.
CREATE TABLE memory_embedding (
  workspace_id text        NOT NULL,
  memory_id    text        NOT NULL,
  embedding    vector(384) NOT NULL,
  model        text        NOT NULL,
  PRIMARY KEY (workspace_id, memory_id),
  FOREIGN KEY (workspace_id, memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE
);
INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
SELECT workspace_id, memory_id, embedding,
       coalesce(embedding_model, (SELECT model FROM embedding_space), 'unknown')
FROM memory WHERE embedding IS NOT NULL;
ALTER TABLE memory DROP COLUMN embedding, DROP COLUMN embedding_model;   -- drops the old HNSW index
CREATE INDEX memory_embedding_hnsw ON memory_embedding USING hnsw (embedding vector_cosine_ops);

-- 2. A discovered edge now reads "the target is among the k best of the source by this method" (k nearest
-- by meaning, k most overlapping by files or concepts), so each memory's choices can be replaced without
-- touching the choices of others. Edges of the old rule are dropped and every memory is discovered again.
DELETE FROM memory_relationship
WHERE discovery_method IN ('embedding_similarity', 'file_overlap', 'concept_overlap');
INSERT INTO job (workspace_id, kind, memory_id)
SELECT workspace_id, 'discover_relationships', memory_id FROM memory
ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING;
-- Choosers of a memory: the discovered edges pointing at it.
CREATE INDEX memory_relationship_source ON memory_relationship (source_memory_id, discovery_method);

-- 3. Graph analysis, one row per workspace whose graph ever changed. A run is due once the graph has been
-- quiet for the configured delay (or has kept changing for longer than the longest wait), or when the last
-- run is older than the periodic interval. running_by/lease_until: one run per workspace across processes.
CREATE TABLE workspace_graph (
  workspace_id         text        PRIMARY KEY REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  changed_at           timestamptz,               -- the last change to the graph
  pending_since        timestamptz,               -- the first change no run has seen yet; null: none
  running_by           text,
  lease_until          timestamptz,
  last_run_started_at  timestamptz,
  last_run_finished_at timestamptz,
  last_run_ms          integer,
  last_run_nodes       integer,
  last_run_edges       integer,
  last_run_communities integer,
  last_error           text
);
INSERT INTO workspace_graph (workspace_id, changed_at, pending_since)
SELECT workspace_id, now(), now() FROM workspace;

-- 4. Feedback: one row per rating; the memory's counters move in the same transaction.
CREATE TABLE memory_feedback (
  feedback_id  bigserial   PRIMARY KEY,
  workspace_id text        NOT NULL,
  memory_id    text        NOT NULL,
  useful       boolean     NOT NULL,
  context      text,
  session_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE
);
CREATE INDEX memory_feedback_memory ON memory_feedback (workspace_id, memory_id);

-- 5. Learned importance. base_importance is the client's value (store, PATCH); importance_score is learned
-- from it (README, "Importance"), rounded to 4 places:
--   importance = clamp(base + 0.2·feedback + 0.1·usage + 0.1·centrality − 0.1·idle, 0, 1)
ALTER TABLE memory ADD COLUMN base_importance double precision;
UPDATE memory SET base_importance = importance_score;
ALTER TABLE memory ALTER COLUMN base_importance SET NOT NULL,
                   ALTER COLUMN base_importance SET DEFAULT 0.5,
                   ADD CHECK (base_importance BETWEEN 0 AND 1);

CREATE FUNCTION learned_importance(base double precision, positive integer, negative integer,
                                   accesses integer, retrievals integer, pagerank double precision,
                                   last_used timestamptz, at timestamptz)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(least(1.0, greatest(0.0,
      base
    + 0.2 * (positive - negative)::float8 / (positive + negative + 2)             -- feedback, -1..1
    + 0.1 * least(1.0, log(1 + accesses + retrievals / 10.0) / 2)                  -- usage: 100 opens = 1
    + 0.1 * coalesce(pagerank, 0)                                                  -- centrality, 0..1
    - 0.1 * least(1.0, greatest(0.0, extract(epoch FROM at - last_used) / 86400 - 30) / 180)  -- idle
  ))::numeric, 4)::float8
$$;
