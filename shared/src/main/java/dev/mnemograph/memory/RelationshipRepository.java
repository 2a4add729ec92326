package dev.mnemograph.memory;

import dev.mnemograph.search.Neighbour;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relationship graph: edges the workers discover (similar_to, references, related_to) and edges
 * clients add by hand. Every statement names the workspace, and the table's foreign keys keep both ends
 * of an edge in the edge's own workspace.
 */
public final class RelationshipRepository {
  /** The discovered edges touching any of the memories ($1 workspaces, $2 memories, parallel). */
  private static final String DELETE_DISCOVERED = """
      DELETE FROM memory_relationship r
      USING unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
      WHERE r.workspace_id = j.workspace_id
        AND (r.source_memory_id = j.memory_id OR r.target_memory_id = j.memory_id)
        AND r.discovery_method IN ('embedding_similarity', 'file_overlap', 'concept_overlap')""";

  /**
   * similar_to in both directions, confidence = cosine similarity; one row per (memory, neighbour) in the
   * parallel arrays. Two memories of a batch that found each other give the same pair twice: kept once.
   */
  private static final String INSERT_SIMILAR = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT DISTINCT ON (e.source, e.target)
             n.workspace_id, e.source, e.target, 'similar_to', 'embedding_similarity',
             least(1, greatest(0, n.similarity)), true
      FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[])
             AS n(workspace_id, memory_id, neighbour_id, similarity),
           LATERAL (VALUES (n.memory_id, n.neighbour_id), (n.neighbour_id, n.memory_id)) AS e(source, target)
      ORDER BY e.source, e.target, n.similarity DESC
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  /**
   * Overlap of a list column (source_files or concepts) with each memory's own ($1 workspaces, $2 memories,
   * parallel): one edge to each of the {@code $3} memories sharing the most (Jaccard), pointing from the
   * newer memory to the older, so that re-discovering either end gives the same edge.
   */
  private static final String INSERT_OVERLAP = """
      WITH me AS (
        SELECT m.workspace_id, m.memory_id, m.created_at, m.%1$s AS items
        FROM unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
        JOIN memory m ON m.workspace_id = j.workspace_id AND m.memory_id = j.memory_id
        WHERE cardinality(m.%1$s) > 0),
      shared AS (
        SELECT me.workspace_id, me.memory_id AS me_id, me.created_at AS me_created,
               s.memory_id AS other_id, s.created_at AS other_created, s.overlap
        FROM me CROSS JOIN LATERAL (
          SELECT o.memory_id, o.created_at,
                 cardinality(ARRAY(SELECT unnest(me.items) INTERSECT SELECT unnest(o.%1$s)))::float8
                 / cardinality(ARRAY(SELECT unnest(me.items) UNION SELECT unnest(o.%1$s))) AS overlap
          FROM memory o
          WHERE o.workspace_id = me.workspace_id AND o.memory_id <> me.memory_id AND o.%1$s && me.items
          ORDER BY overlap DESC, o.created_at DESC
          LIMIT $3) s),
      edges AS (
        SELECT workspace_id, overlap,
               CASE WHEN (me_created, me_id) > (other_created, other_id) THEN me_id ELSE other_id END AS source,
               CASE WHEN (me_created, me_id) > (other_created, other_id) THEN other_id ELSE me_id END AS target
        FROM shared)
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT DISTINCT ON (source, target) workspace_id, source, target, '%2$s', '%3$s', overlap, %4$s
      FROM edges
      ORDER BY source, target, overlap DESC
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  private static final String INSERT_FILE_OVERLAP =
      INSERT_OVERLAP.formatted("source_files", "references", "file_overlap", "false");
  private static final String INSERT_CONCEPT_OVERLAP =
      INSERT_OVERLAP.formatted("concepts", "related_to", "concept_overlap", "true");

  private static final String INSERT_MANUAL = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional, context)
      VALUES ($1, $2, $3, $4, 'manual', $5, $6, $7)
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method) DO NOTHING
      RETURNING\s""" + Relationship.COLUMNS;

  /**
   * Replaces the discovered edges of the given memories (parallel lists; manual edges stay), in the job's
   * transaction. {@code similar} holds each memory's neighbours to link as similar_to. Done for a batch at
   * once, the result does not depend on the order of the memories: two of them that are each other's
   * neighbour stay linked if either found the other. Answers how many edges were written.
   */
  public Future<Integer> replaceDiscovered(SqlClient conn, List<String> workspaceIds, List<String> memoryIds,
                                          Map<String, List<Neighbour>> similar, int maxPerMethod) {
    String[] workspaces = workspaceIds.toArray(String[]::new);
    String[] memories = memoryIds.toArray(String[]::new);
    List<String> pairWorkspaces = new ArrayList<>();
    List<String> pairMemories = new ArrayList<>();
    List<String> pairNeighbours = new ArrayList<>();
    List<Double> pairSimilarities = new ArrayList<>();
    for (int i = 0; i < memoryIds.size(); i++) {
      for (Neighbour n : similar.getOrDefault(memoryIds.get(i), List.of())) {
        pairWorkspaces.add(workspaceIds.get(i));
        pairMemories.add(memoryIds.get(i));
        pairNeighbours.add(n.memoryId());
        pairSimilarities.add(n.similarity());
      }
    }
    Tuple overlapArgs = Tuple.tuple().addArrayOfString(workspaces).addArrayOfString(memories).addInteger(maxPerMethod);
    return conn.preparedQuery(DELETE_DISCOVERED)
        .execute(Tuple.tuple().addArrayOfString(workspaces).addArrayOfString(memories))
        .compose(v -> pairMemories.isEmpty() ? Future.succeededFuture(0)
            : conn.preparedQuery(INSERT_SIMILAR)
                .execute(Tuple.tuple().addArrayOfString(pairWorkspaces.toArray(String[]::new))
                    .addArrayOfString(pairMemories.toArray(String[]::new))
                    .addArrayOfString(pairNeighbours.toArray(String[]::new))
                    .addArrayOfDouble(pairSimilarities.toArray(Double[]::new)))
                .map(r -> r.rowCount()))
        .compose(n -> conn.preparedQuery(INSERT_FILE_OVERLAP).execute(overlapArgs).map(r -> n + r.rowCount()))
        .compose(n -> conn.preparedQuery(INSERT_CONCEPT_OVERLAP).execute(overlapArgs).map(r -> n + r.rowCount()));
  }

  /** A manual edge; empty when the same edge already exists. Both memories must be in the workspace. */
  public Future<Optional<Relationship>> addManual(SqlClient client, String workspaceId, String source,
                                                            String target, String type, double confidence,
                                                            boolean bidirectional, String context) {
    return client.preparedQuery(INSERT_MANUAL).mapping(Relationship::of)
        .execute(Tuple.of(workspaceId, source, target, type, confidence, bidirectional, context))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }
}
