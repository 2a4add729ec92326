-- Workspaces, API keys, memories and their relationships.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE workspace (
  workspace_id text        PRIMARY KEY,                 -- 'ws-' + 12 of [a-z0-9]
  name         text        NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_key (
  key_id       bigserial   PRIMARY KEY,
  workspace_id text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  name         text        NOT NULL,
  key_prefix   text        NOT NULL,                    -- first characters, shown in listings
  key_hash     text        NOT NULL UNIQUE,             -- SHA-256 of the whole key, hex; the key itself is never stored
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE TABLE memory (
  id                      uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
  memory_id               text             NOT NULL UNIQUE,      -- 'mem-' + 16 of [a-z0-9]; the id of every API path
  workspace_id            text             NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  title                   text             NOT NULL,
  narrative               text             NOT NULL,
  memory_type             text             NOT NULL DEFAULT 'general' CHECK (memory_type IN
                            ('decision', 'pattern', 'convention', 'architecture', 'discovery',
                             'incident', 'general', 'wiki', 'sdlc_knowledge')),
  tags                    text[]           NOT NULL DEFAULT '{}',
  concepts                text[]           NOT NULL DEFAULT '{}',
  source_files            text[]           NOT NULL DEFAULT '{}',
  importance_score        double precision NOT NULL DEFAULT 0.5 CHECK (importance_score BETWEEN 0 AND 1),
  confidence_score        double precision NOT NULL DEFAULT 0.5 CHECK (confidence_score BETWEEN 0 AND 1),
  pagerank_score          double precision,
  community_label         text,
  access_count            integer          NOT NULL DEFAULT 0,
  retrieval_count         integer          NOT NULL DEFAULT 0,
  last_accessed_at        timestamptz,
  source_session_id       text,
  is_consolidated         boolean          NOT NULL DEFAULT false,
  consolidated_from       text[],
  feedback_positive_count integer          NOT NULL DEFAULT 0,
  feedback_negative_count integer          NOT NULL DEFAULT 0,
  embedding               vector(384),                    -- filled by the embedding job
  embedding_model         text,
  created_at              timestamptz      NOT NULL DEFAULT now(),
  updated_at              timestamptz,
  UNIQUE (workspace_id, memory_id)                        -- lets edges reference (workspace, memory)
);

-- The default listing: a workspace's memories by importance, newest first.
CREATE INDEX memory_workspace_importance ON memory (workspace_id, importance_score DESC, created_at DESC);
CREATE INDEX memory_workspace_created ON memory (workspace_id, created_at DESC);

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
  -- both ends in the edge's own workspace: no edge can ever join two workspaces
  FOREIGN KEY (workspace_id, source_memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, target_memory_id) REFERENCES memory (workspace_id, memory_id) ON DELETE CASCADE,
  UNIQUE (source_memory_id, target_memory_id, relationship_type, discovery_method),
  CHECK (source_memory_id <> target_memory_id)
);
CREATE INDEX memory_relationship_target ON memory_relationship (target_memory_id);
