-- The graph walks (POST /memories/path, POST /memories/explore) read, at every memory they reach, its
-- relationships in both directions and the PageRank of the memories at their other ends. With the keys
-- alone in the indexes each of those rows cost a heap fetch, and the heap of 1,000,000 relationships does
-- not stay in memory; with the columns the walks need included, they are index-only scans. Measured at
-- 100,000 memories / 1,000,000 relationships on PostgreSQL 17 (GraphLatencyBenchmark, one run after another):
-- path p50 20.1 -> 16.0 ms, explore 24.3 -> 20.7 ms.

-- Replaces memory_relationship_source (the same keys): also a discovered edge's chooser and its choices.
CREATE INDEX memory_relationship_source_walk ON memory_relationship (source_memory_id, discovery_method)
  INCLUDE (target_memory_id, relationship_type, confidence, workspace_id);
DROP INDEX memory_relationship_source;

-- Replaces memory_relationship_target (the same key): also the deletes' cascade and discovery's choosers.
CREATE INDEX memory_relationship_target_walk ON memory_relationship (target_memory_id)
  INCLUDE (source_memory_id, relationship_type, discovery_method, confidence, workspace_id);
DROP INDEX memory_relationship_target;

-- A reached memory's PageRank without its row. pagerank_score is in memory_workspace_central already, so
-- its updates were not HOT before either; the access and retrieval counters stay HOT.
CREATE INDEX memory_workspace_pagerank ON memory (workspace_id, memory_id) INCLUDE (pagerank_score);
