-- Capture: an agent's sessions and the raw observations its hooks send (Neuroloom's plugin sends one per tool
-- use, and replays its local buffer of up to 10,000 in one request). The client chooses the session id and
-- each observation's id; both are unique per workspace, so that a retried start or a replayed buffer is
-- stored once.

-- agent_session: a session of a coding agent in one workspace ("session" alone reads as the database's own).
CREATE TABLE agent_session (
  workspace_id        text        NOT NULL REFERENCES workspace (workspace_id) ON DELETE CASCADE,
  session_id          text        NOT NULL,
  project_name        text,
  branch_name         text,
  user_id             text,
  metadata            jsonb       NOT NULL DEFAULT '{}',
  -- made by an observation that arrived before its session's start (or without one); a later start fills it in
  implicit            boolean     NOT NULL DEFAULT false,
  started_at          timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz,
  observation_count   integer     NOT NULL DEFAULT 0,
  last_observation_at timestamptz,
  PRIMARY KEY (workspace_id, session_id)
);
-- GET /sessions/: newest first.
CREATE INDEX agent_session_recent ON agent_session (workspace_id, started_at DESC, session_id);

-- observation: one raw event of a session, as the client sent it (content is the whole hook payload, cut at
-- a bound with a visible marker).
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
  PRIMARY KEY (workspace_id, observation_id),
  FOREIGN KEY (workspace_id, session_id) REFERENCES agent_session (workspace_id, session_id) ON DELETE CASCADE
);
-- A session's observations in the order they happened.
CREATE INDEX observation_session ON observation (workspace_id, session_id, observed_at);
