-- The detail view (GET /memories/{id}, memory_get_detail) sends a memory's relationships in both
-- directions as JSON. Rendering them at every read (row_to_json and to_char per relationship) and fetching
-- each one's heap row took more than half of PostgreSQL's time per detail read. Each relationship's JSON is
-- now written once, by a trigger whenever the row is written, and two indexes hold what the detail reads, so
-- that it is an index-only scan of a few adjacent index entries per direction. Measured with pgbench on
-- PostgreSQL 17, 2 cores, 2,000 memories of about 9 relationships each way (the request-path benchmark's
-- data), twice each in one run: the detail statement 10,140 and 9,929 -> 23,136 and 22,654 per second.

-- A relationship as the API writes it (Relationship#toJson): created_at with microseconds in UTC, in
-- a fixed width, so that the text sorts as the time.
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

ALTER TABLE memory_relationship ADD COLUMN relationship_json text;

CREATE TRIGGER memory_relationship_json_refresh
  BEFORE INSERT OR UPDATE ON memory_relationship
  FOR EACH ROW EXECUTE FUNCTION memory_relationship_json_refresh();

UPDATE memory_relationship SET relationship_json = NULL;   -- the trigger writes it
ALTER TABLE memory_relationship ALTER COLUMN relationship_json SET NOT NULL;

-- The detail view's two directions. The workspace leads the key: with the memory alone, a table not yet
-- analysed (a new database's first minutes) got a plan that read all of the workspace's relationships from
-- memory_relationship_workspace for every detail read (1.1 ms instead of 0.15 at 20,000 relationships; the
-- request-path benchmark's GETs fell to 597 per second).
CREATE INDEX memory_relationship_source_detail ON memory_relationship (workspace_id, source_memory_id)
  INCLUDE (confidence, created_at, relationship_json);
CREATE INDEX memory_relationship_target_detail ON memory_relationship (workspace_id, target_memory_id)
  INCLUDE (confidence, created_at, relationship_json);
