-- The code symbols a client's parser sends (Neuroloom's plugin: POST /code-graph/sync after each Write or Edit,
-- the parsed files' functions, classes and methods), kept per workspace and file: a file sent again replaces
-- its symbols, a deleted file's go.
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
