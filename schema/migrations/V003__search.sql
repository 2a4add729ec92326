-- Keyword search: a stored, weighted tsvector per memory (title A, tags and concepts B, narrative C) and a
-- GIN index on it. A trigger keeps it current only when those fields change, so that counter updates
-- (access, retrieval: one per search result) never re-parse the narrative.

-- Every search result is a retrieval event (an UPDATE of retrieval_count). With room left on each page the
-- new row version stays on its page and no index changes (a HOT update); on a full page PostgreSQL writes it
-- elsewhere and inserts into every index, the HNSW one included: measured 4.7 ms for a page of 10 results
-- at 100,000 memories. Set first, so that the rewrite below already leaves the room.
ALTER TABLE memory SET (fillfactor = 85);

CREATE FUNCTION memory_search_document(title text, tags text[], concepts text[], narrative text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
      || setweight(to_tsvector('english', array_to_string(coalesce(tags, '{}'), ' ')), 'B')
      || setweight(to_tsvector('english', array_to_string(coalesce(concepts, '{}'), ' ')), 'B')
      || setweight(to_tsvector('english', coalesce(narrative, '')), 'C')
$$;

-- One lexeme of a parsed query (to_tsvector's output, already stemmed) as a query of exactly that lexeme.
-- Parsing it again would split "read-on" (from "read-only") into read-on & read & on, which nothing matches.
CREATE FUNCTION search_term(lexeme text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
$$;

CREATE FUNCTION memory_search_document_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := memory_search_document(NEW.title, NEW.tags, NEW.concepts, NEW.narrative);
  RETURN NEW;
END
$$;

ALTER TABLE memory ADD COLUMN search_document tsvector;
UPDATE memory SET search_document = memory_search_document(title, tags, concepts, narrative);
ALTER TABLE memory ALTER COLUMN search_document SET NOT NULL;

CREATE TRIGGER memory_search_document_refresh
  BEFORE INSERT OR UPDATE OF title, narrative, tags, concepts ON memory
  FOR EACH ROW EXECUTE FUNCTION memory_search_document_refresh();

CREATE INDEX memory_search_document ON memory USING gin (search_document);
-- Tag filters of search (all given tags must match).
CREATE INDEX memory_tags ON memory USING gin (tags);
