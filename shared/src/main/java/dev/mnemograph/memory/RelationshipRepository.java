package dev.mnemograph.memory;

import dev.mnemograph.search.Neighbour;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Optional;

/**
 * The relationship graph: edges the workers discover (similar_to, references, related_to) and edges
 * clients add by hand. Every statement names the workspace, and the table's foreign keys keep both ends
 * of an edge in the edge's own workspace.
 */
public final class RelationshipRepository {
  public static final String EMBEDDING_SIMILARITY = "embedding_similarity";
  public static final String FILE_OVERLAP = "file_overlap";
  public static final String CONCEPT_OVERLAP = "concept_overlap";
  public static final String MANUAL = "manual";

  private static final String DELETE_DISCOVERED = """
      DELETE FROM memory_relationship
      WHERE workspace_id = $1 AND (source_memory_id = $2 OR target_memory_id = $2)
        AND discovery_method IN ('embedding_similarity', 'file_overlap', 'concept_overlap')""";

  /** similar_to in both directions, confidence = cosine similarity. */
  private static final String INSERT_SIMILAR = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT $1, e.source, e.target, 'similar_to', 'embedding_similarity', least(1, greatest(0, n.similarity)), true
      FROM unnest($3::text[], $4::float8[]) AS n(memory_id, similarity),
           LATERAL (VALUES ($2, n.memory_id), (n.memory_id, $2)) AS e(source, target)
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  /**
   * Overlap of a list column (source_files or concepts) with the memory's own: one edge to each of the
   * {@code $3} memories sharing the most (Jaccard), pointing from the newer memory to the older, so that
   * re-discovering either end gives the same edge.
   */
  private static final String INSERT_OVERLAP = """
      WITH me AS (SELECT memory_id, created_at, %1$s AS items FROM memory
                  WHERE workspace_id = $1 AND memory_id = $2 AND cardinality(%1$s) > 0),
      shared AS (
        SELECT o.memory_id, o.created_at,
               cardinality(ARRAY(SELECT unnest(me.items) INTERSECT SELECT unnest(o.%1$s)))::float8
               / cardinality(ARRAY(SELECT unnest(me.items) UNION SELECT unnest(o.%1$s))) AS overlap
        FROM memory o, me
        WHERE o.workspace_id = $1 AND o.memory_id <> $2 AND o.%1$s && me.items
        ORDER BY overlap DESC, o.created_at DESC
        LIMIT $3)
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT $1,
             CASE WHEN (me.created_at, me.memory_id) > (s.created_at, s.memory_id) THEN me.memory_id ELSE s.memory_id END,
             CASE WHEN (me.created_at, me.memory_id) > (s.created_at, s.memory_id) THEN s.memory_id ELSE me.memory_id END,
             '%2$s', '%3$s', s.overlap, %4$s
      FROM shared s, me
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  private static final String INSERT_FILE_OVERLAP =
      INSERT_OVERLAP.formatted("source_files", "references", FILE_OVERLAP, "false");
  private static final String INSERT_CONCEPT_OVERLAP =
      INSERT_OVERLAP.formatted("concepts", "related_to", CONCEPT_OVERLAP, "true");

  private static final String INSERT_MANUAL = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional, context)
      VALUES ($1, $2, $3, $4, 'manual', $5, $6, $7)
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method) DO NOTHING
      RETURNING\s""" + Relationship.COLUMNS;

  /** Replaces the memory's discovered edges (manual edges stay); call it in the job's transaction. */
  public Future<Integer> replaceDiscovered(SqlClient conn, String workspaceId, String memoryId,
                                          List<Neighbour> similar, int maxPerMethod) {
    String[] ids = similar.stream().map(Neighbour::memoryId).toArray(String[]::new);
    Double[] scores = similar.stream().map(Neighbour::similarity).toArray(Double[]::new);
    Tuple overlapArgs = Tuple.of(workspaceId, memoryId, maxPerMethod);
    return conn.preparedQuery(DELETE_DISCOVERED).execute(Tuple.of(workspaceId, memoryId))
        .compose(v -> similar.isEmpty() ? Future.succeededFuture(0)
            : conn.preparedQuery(INSERT_SIMILAR)
                .execute(Tuple.of(workspaceId, memoryId).addArrayOfString(ids).addArrayOfDouble(scores))
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
