-- Indexes for the graph endpoints (GET /memories/graph), measured at 100,000 memories and 1,000,000
-- relationships in one workspace on PostgreSQL 17:

-- The most central memories first: an index scan of the first N (2.6 ms for 1,000) instead of a sort of the
-- whole workspace (40 ms). The graph job writes pagerank_score with importance_score, which another index
-- already holds, so those updates were not HOT before either; access and retrieval counters stay HOT.
CREATE INDEX memory_workspace_central
  ON memory (workspace_id, pagerank_score DESC NULLS LAST, importance_score DESC, memory_id);

-- A workspace's relationships counted on an index (55 ms) rather than by scanning the relationships of every
-- workspace (130 ms); GET /workspace counts them the same way.
CREATE INDEX memory_relationship_workspace ON memory_relationship (workspace_id);
