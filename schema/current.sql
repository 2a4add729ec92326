-- The schema as schema/migrations/V001..V015 leave it, one table at a time: its columns, constraints,
-- indexes, and the functions and triggers that belong to it.
--
-- This file is documentation. The service never runs it: a database gets its schema from the migrations
-- (dev.mnemograph.db.Migrations, at start), which stay the only source of truth. SchemaSnapshotTest applies
-- this file to an empty schema and compares it with a migrated database's catalog (tables, columns, defaults,
-- constraints, indexes, triggers, functions), so a new migration fails that test until this file is changed
-- to match: change the migration first, then this file, in the same commit.
--
-- Columns are in the database's order: PostgreSQL appends a column added by a later migration, so those come
-- last in their table. Constraints are written as the migrations wrote them, so that they get the same names.
-- Not here: schema_migration, the record of applied migrations, which Migrations creates itself.

CREATE EXTENSION IF NOT EXISTS vector;


-- workspace: the unit of isolation; every other row belongs to one and goes with it. (V001)
CREATE TABLE workspace (
  workspace_id text        PRIMARY KEY,                 -- 'ws-' + 12 of [a-z0-9]
  name         text        NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now()
);


-- api_key: a workspace's bearer keys. (V001)
CREATE TABLE api_key (
  key_id       bigserial   PRIMARY KEY,
  workspace_id text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  name         text        NOT NULL,
  key_prefix   text        NOT NULL,                    -- first characters, shown in listings
  key_hash     text        NOT NULL UNIQUE,             -- SHA-256 of the whole key, hex; the key itself is never stored
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);


-- memory: the memories. Created in V001; search_document added in V003, the embedding moved out to
-- memory_embedding and base_importance added in V004, an index in V007, the memory types' check widened in V010.
-- fillfactor 85 (V003): room on each page, so that the counter updates of every search result stay HOT
-- updates and touch no index.
CREATE TABLE memory (
  id                      uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
  memory_id               text             NOT NULL UNIQUE,      -- 'mem-' + 16 of [a-z0-9]; the id of every API path
  workspace_id            text             NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  title                   text             NOT NULL,
  narrative               text             NOT NULL,
  memory_type             text             NOT NULL DEFAULT 'general' CHECK (memory_type IN   -- V010: ten more
                            ('decision', 'pattern', 'convention', 'architecture', 'discovery',
                             'incident', 'general', 'wiki', 'sdlc_knowledge', 'bug_fix', 'integration',
                             'configuration', 'debugging', 'refactoring', 'documentation', 'learning',
                             'dependency', 'performance', 'security')),
  tags                    text[]           NOT NULL DEFAULT '{}',
  concepts                text[]           NOT NULL DEFAULT '{}',
  source_files            text[]           NOT NULL DEFAULT '{}',
  importance_score        double precision NOT NULL DEFAULT 0.5 CHECK (importance_score BETWEEN 0 AND 1),  -- learned, see learned_importance
  confidence_score        double precision NOT NULL DEFAULT 0.5 CHECK (confidence_score BETWEEN 0 AND 1),
  pagerank_score          double precision,                      -- written by the graph job
  community_label         text,                                  -- written by the graph job
  access_count            integer          NOT NULL DEFAULT 0,
  retrieval_count         integer          NOT NULL DEFAULT 0,
  last_accessed_at        timestamptz,
  source_session_id       text,
  is_consolidated         boolean          NOT NULL DEFAULT false,
  consolidated_from       text[],
  feedback_positive_count integer          NOT NULL DEFAULT 0,
  feedback_negative_count integer          NOT NULL DEFAULT 0,
  created_at              timestamptz      NOT NULL DEFAULT now(),
  updated_at              timestamptz,
  search_document         tsvector         NOT NULL,             -- V003: written by the trigger below
  base_importance         double precision NOT NULL DEFAULT 0.5, -- V004: the client's value (store, PATCH)
  UNIQUE (workspace_id, memory_id),                              -- lets edges reference (workspace, memory)
  CHECK (base_importance BETWEEN 0 AND 1)
) WITH (fillfactor = 85);

-- The default listing: a workspace's memories by importance, newest first. (V001)
CREATE INDEX memory_workspace_importance ON memory (workspace_id, importance_score DESC, created_at DESC);
CREATE INDEX memory_workspace_created ON memory (workspace_id, created_at DESC);
-- Filters by file and concept. (V002)
CREATE INDEX memory_source_files ON memory USING gin (source_files);
CREATE INDEX memory_concepts ON memory USING gin (concepts);
-- Keyword search, and its tag filter (all given tags must match). (V003)
CREATE INDEX memory_search_document ON memory USING gin (search_document);
CREATE INDEX memory_tags ON memory USING gin (tags);
-- The most central memories first, for GET /memories/graph. (V005)
CREATE INDEX memory_workspace_central
  ON memory (workspace_id, pagerank_score DESC NULLS LAST, importance_score DESC, memory_id);
-- A memory's PageRank without its row, for the graph walks. (V007)
CREATE INDEX memory_workspace_pagerank ON memory (workspace_id, memory_id) INCLUDE (pagerank_score);

-- Keyword search (V003): a stored, weighted tsvector per memory (title A, tags and concepts B, narrative C),
-- kept current by the trigger only when those fields change, so that counter updates never re-parse the
-- narrative.
CREATE FUNCTION memory_search_document(title text, tags text[], concepts text[], narrative text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('english', array_to_string(coalesce(tags, '{}'), ' ')), 'B')
      || setweight(to_tsvector('english', array_to_string(coalesce(concepts, '{}'), ' ')), 'B')
      || setweight(to_tsvector('english', coalesce(narrative, '')), 'C')
$$;

CREATE FUNCTION memory_search_document_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := memory_search_document(NEW.title, NEW.tags, NEW.concepts, NEW.narrative);
  RETURN NEW;
END
$$;

CREATE TRIGGER memory_search_document_refresh
  BEFORE INSERT OR UPDATE OF title, narrative, tags, concepts ON memory
  FOR EACH ROW EXECUTE FUNCTION memory_search_document_refresh();

-- One lexeme of a parsed query (to_tsvector's output, already stemmed) as a query of exactly that lexeme.
-- Parsing it again would split "read-on" (from "read-only") into read-on & read & on, which nothing matches.
-- (V003)
CREATE FUNCTION search_term(lexeme text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
$$;

-- Learned importance (V004): importance_score is learned from base_importance (README, "Importance"),
-- rounded to 4 places:
--   importance = clamp(base + 0.2·feedback + 0.1·usage + 0.1·centrality − 0.1·idle, 0, 1)
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


-- memory_relationship: the edges between memories, stated by clients or discovered by the workers; a
-- discovered edge reads "the target is among the k best of the source by this method". Created in V001;
-- relationship_json added in V009, which last changed it.
CREATE TABLE memory_relationship (
  id                uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id      text             NOT NULL,   -- the foreign keys below tie it to both memories' workspace
  source_memory_id  text             NOT NULL,
  target_memory_id  text             NOT NULL,
  relationship_type text             NOT NULL CHECK (relationship_type IN
                      ('references', 'related_to', 'caused_by', 'contradicts', 'supersedes',
                       'similar_to', 'depends_on')),
  discovery_method  text             NOT NULL,
  confidence        double precision NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
  is_bidirectional  boolean          NOT NULL DEFAULT false,
  context           text,
  created_at        timestamptz      NOT NULL DEFAULT now(),
  relationship_json text             NOT NULL,   -- V009: the API's JSON of the row, written by the trigger below
  -- both ends in the edge's own workspace: no edge can ever join two workspaces
  FOREIGN KEY (workspace_id, source_memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, target_memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE,
  UNIQUE (source_memory_id, target_memory_id, relationship_type, discovery_method),
  CHECK (source_memory_id <> target_memory_id)
);

-- A workspace's relationships counted on an index (GET /memories/graph, GET /workspace). (V005)
CREATE INDEX memory_relationship_workspace ON memory_relationship (workspace_id);
-- The graph walks' index-only reads in both directions (V007). By source: also a discovered edge's chooser
-- and its choices; by target: also the deletes' cascade and discovery's choosers.
CREATE INDEX memory_relationship_source_walk ON memory_relationship (source_memory_id, discovery_method)
  INCLUDE (target_memory_id, relationship_type, confidence, workspace_id);
CREATE INDEX memory_relationship_target_walk ON memory_relationship (target_memory_id)
  INCLUDE (source_memory_id, relationship_type, discovery_method, confidence, workspace_id);
-- The detail view's two directions (GET /memories/{id}), index-only; the workspace leads the key so that a
-- table not yet analysed still gets the right plan. (V009)
CREATE INDEX memory_relationship_source_detail ON memory_relationship (workspace_id, source_memory_id)
  INCLUDE (confidence, created_at, relationship_json);
CREATE INDEX memory_relationship_target_detail ON memory_relationship (workspace_id, target_memory_id)
  INCLUDE (confidence, created_at, relationship_json);

-- A relationship as the API writes it (Relationship#toJson): created_at with microseconds in UTC, in
-- a fixed width, so that the text sorts as the time. (V009)
CREATE FUNCTION memory_relationship_json_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT row_to_json(r)::text INTO NEW.relationship_json
    FROM (SELECT NEW.id AS id, NEW.source_memory_id AS source_memory_id, NEW.target_memory_id AS target_memory_id,
                 NEW.relationship_type AS relationship_type, NEW.discovery_method AS discovery_method,
                 NEW.confidence AS confidence, NEW.is_bidirectional AS is_bidirectional, NEW.context AS context,
                 to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at) r;
  RETURN NEW;
END
$$;

CREATE TRIGGER memory_relationship_json_refresh
  BEFORE INSERT OR UPDATE ON memory_relationship
  FOR EACH ROW EXECUTE FUNCTION memory_relationship_json_refresh();


-- memory_embedding: a memory's vector, in a table of its own so that writes to the memory row (counters,
-- learned importance, the graph job's write-back) never insert into the HNSW index. (V004)
CREATE TABLE memory_embedding (
  workspace_id text        NOT NULL,
  memory_id    text        NOT NULL,
  embedding    vector(384) NOT NULL,
  model        text        NOT NULL,
  PRIMARY KEY (workspace_id, memory_id),
  FOREIGN KEY (workspace_id, memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE
);

-- Cosine HNSW index for related-memory and search queries (see MemoryRepository for how a workspace's
-- results are kept complete). (V004)
CREATE INDEX memory_embedding_hnsw ON memory_embedding USING hnsw (embedding vector_cosine_ops);


-- embedding_space: the embedding model the stored vectors come from, one row at most; a different configured
-- model triggers a re-embed. (V002)
CREATE TABLE embedding_space (
  singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  model      text        NOT NULL,
  dimension  integer     NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);


-- job: durable background jobs (embedding, relationship discovery, session extraction), claimed by workers under
-- a lease. A job names a memory, or a session (extract_session, V013), never both.
-- Created in V002; interruptions added in V006, which last changed it.
CREATE TABLE job (
  job_id        bigserial   PRIMARY KEY,
  workspace_id  text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  kind          text        NOT NULL CHECK (kind IN ('embed', 'discover_relationships', 'extract_session')),
  memory_id     text,                              -- no foreign key: a job for a deleted memory finishes as a no-op
  status        text        NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts      integer     NOT NULL DEFAULT 0,    -- failed runs only (V006)
  run_at        timestamptz NOT NULL DEFAULT now(),  -- not before; pushed back by retries
  locked_by     text,                                -- the worker holding the lease
  lease_until   timestamptz,                         -- a running job past this is claimed again
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  interruptions integer     NOT NULL DEFAULT 0,    -- V006: runs that ended without a result (killed, lease ran out)
  session_id    text,                              -- V013: the session an extract_session job extracts
  CONSTRAINT job_names_one_subject CHECK ((memory_id IS NULL) <> (session_id IS NULL))
);

-- What workers look for: pending work that is due, and running work whose lease ran out. (V002)
CREATE INDEX job_pending ON job (run_at, job_id) WHERE status = 'pending';
CREATE INDEX job_running ON job (lease_until) WHERE status = 'running';
-- One pending job per memory and kind: edits while a job waits coalesce into it. (V002)
CREATE UNIQUE INDEX job_one_pending ON job (kind, memory_id) WHERE status = 'pending';
-- One pending extraction per session; a session's id is unique per workspace only. (V013)
CREATE UNIQUE INDEX job_one_pending_session ON job (kind, workspace_id, session_id)
  WHERE status = 'pending' AND session_id IS NOT NULL;
-- The purge of done jobs and `job list --failed`. (V006)
CREATE INDEX job_finished ON job (status, finished_at) WHERE status IN ('done', 'failed');


-- workspace_graph: the graph analysis (PageRank, communities), one row per workspace whose graph ever
-- changed. A run is due once the graph has been quiet for the configured delay (or has kept changing for
-- longer than the longest wait), or when the last run is older than the periodic interval.
-- running_by/lease_until: one run per workspace across processes. (V004)
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


-- memory_feedback: one row per rating of a memory; the memory's feedback counters move in the same
-- transaction. (V004)
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


-- idempotency_key: the first answer to an Idempotency-Key on the POSTs that create something (store,
-- relationships, feedback), kept with the request it answered for the retention (24 hours). Written in the
-- same transaction as the write it answers. (V008)
CREATE TABLE idempotency_key (
  workspace_id        text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  idempotency_key     text        NOT NULL,
  request_fingerprint text        NOT NULL,   -- SHA-256 of the operation, its path and its body
  status_code         integer     NOT NULL,
  response_body       text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, idempotency_key)
);

-- The worker's purge of keys past the retention. (V008)
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);


-- agent_session: a coding agent's session in one workspace; the client chooses its id (Neuroloom's plugin:
-- sess-<epoch>-<hex>). implicit: made by an observation that came before its start; a later start fills it
-- in. (V011) extracted_observations: how many of its observations the last extraction saw (the rest wait:
-- the insight's pending_observations). (V013)
CREATE TABLE agent_session (
  workspace_id        text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  session_id          text        NOT NULL,
  project_name        text,
  branch_name         text,
  user_id             text,
  metadata            jsonb       NOT NULL DEFAULT '{}',
  implicit            boolean     NOT NULL DEFAULT false,
  started_at          timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz,
  observation_count   integer     NOT NULL DEFAULT 0,
  last_observation_at timestamptz,
  extracted_observations integer NOT NULL DEFAULT 0,   -- V013
  extracted_at        timestamptz,                     -- V013
  PRIMARY KEY (workspace_id, session_id)
);

-- GET /sessions/: newest first. (V011)
CREATE INDEX agent_session_recent ON agent_session (workspace_id, started_at DESC, session_id);
-- The workers' look for idle sessions with observations not extracted yet. (V013)
CREATE INDEX agent_session_unextracted ON agent_session (last_observation_at)
  WHERE observation_count > extracted_observations;


-- observation: one raw event of a session as the client sent it; content is the whole hook payload, cut at a
-- bound with a visible marker. Its id is the client's, unique per workspace, so a replayed buffer is stored
-- once. (V011)
CREATE TABLE observation (
  workspace_id   text        NOT NULL,
  observation_id text        NOT NULL,
  session_id     text        NOT NULL,
  observed_at    timestamptz NOT NULL,
  category       text        NOT NULL,
  content        text        NOT NULL,
  agent_id       text,
  agent_type     text,
  received_at    timestamptz NOT NULL DEFAULT now(),
  redacted       jsonb,         -- V015: secrets taken out of content, per kind ({"jwt": 1}); null when none
  PRIMARY KEY (workspace_id, observation_id),
  FOREIGN KEY (workspace_id, session_id) REFERENCES agent_session (workspace_id, session_id) ON DELETE CASCADE
);

-- A session's observations in the order they happened. (V011)
CREATE INDEX observation_session ON observation (workspace_id, session_id, observed_at);
-- The sums of what was redacted, per session and workspace. (V015)
CREATE INDEX observation_redacted ON observation (workspace_id, session_id) WHERE redacted IS NOT NULL;


-- extracted_memory: what extraction made of a session, by a key stable across its runs ('session',
-- 'exchange:3', 'incident:<command>'): the memory it wrote, or the older memory it strengthened instead of
-- adding a near-duplicate; content_hash says whether a later run changes it. (V013)
CREATE TABLE extracted_memory (
  workspace_id   text        NOT NULL,
  session_id     text        NOT NULL,
  extraction_key text        NOT NULL,
  memory_id      text        NOT NULL,
  content_hash   text        NOT NULL,
  strengthened   boolean     NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, session_id, extraction_key),
  FOREIGN KEY (workspace_id, session_id) REFERENCES agent_session (workspace_id, session_id) ON DELETE CASCADE
);


-- code_symbol: the code symbols a client's parser sent (POST /code-graph/sync), per workspace and file; a file
-- sent again replaces its symbols, a deleted file's go. (V012)
CREATE TABLE code_symbol (
  workspace_id   text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  file_path      text        NOT NULL,
  qualified_name text        NOT NULL,
  name           text        NOT NULL,
  symbol_type    text,
  language       text,
  line_start     integer,
  line_end       integer,
  synced_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, file_path, qualified_name)
);


-- secret_redaction: secrets taken out of the memories and documents a workspace's clients stored, per kind;
-- counted, never kept (observations count theirs in observation.redacted). (V015)
CREATE TABLE secret_redaction (
  workspace_id text   NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  kind         text   NOT NULL,
  redacted     bigint NOT NULL,
  PRIMARY KEY (workspace_id, kind)
);
