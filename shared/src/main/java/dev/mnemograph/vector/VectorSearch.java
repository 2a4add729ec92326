package dev.mnemograph.vector;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nearest memories of one workspace by cosine similarity, never coming up short.
 *
 * <p>The HNSW index covers the whole table; filtering its candidates by workspace afterwards can return
 * far fewer rows than asked for when the workspace holds a small share of the table (BENCHMARKS.md,
 * "Search latency"). So:
 * <ul>
 *   <li>a workspace with at most {@code exactScanMaxRows} embedded memories is scanned exactly (ordered by
 *       an expression no index can serve, so the planner cannot swap in the global index): exact results,
 *       a few milliseconds for thousands of rows, one statement for any number of memories;</li>
 *   <li>a larger one uses the index with pgvector 0.8's iterative scan in strict order, which keeps
 *       scanning the graph until enough rows of the workspace are found.</li>
 * </ul>
 * Both run inside the caller's transaction (the index settings are {@code SET LOCAL}).
 */
public final class VectorSearch {
  private static final String INDEXED = """
      SELECT memory_id, 1 - (embedding <=> $2::vector) AS similarity
      FROM memory_embedding
      WHERE workspace_id = $1 AND memory_id <> $3
      ORDER BY embedding <=> $2::vector, memory_id LIMIT $4""";

  private static final String ITERATIVE_SCAN = """
      SET LOCAL hnsw.iterative_scan = strict_order;
      SET LOCAL hnsw.ef_search = 400;
      SET LOCAL hnsw.max_scan_tuples = 200000""";

  /** How many of each workspace's memories are embedded, counting up to $2 (enough to choose a path). */
  private static final String COUNT_EMBEDDED_EACH = """
      SELECT w.workspace_id,
             (SELECT count(*) FROM (SELECT 1 FROM memory_embedding e WHERE e.workspace_id = w.workspace_id
                                    LIMIT $2) c)
      FROM unnest($1::text[]) AS w(workspace_id)""";

  /**
   * The exact path for several memories at once, each against its own workspace. "+ 0" makes the ordering
   * an expression no index can serve, so the planner cannot swap in the global HNSW index.
   */
  private static final String EXACT_EACH = """
      SELECT m.memory_id, n.memory_id, n.similarity
      FROM unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
      JOIN memory_embedding m ON m.workspace_id = j.workspace_id AND m.memory_id = j.memory_id
      CROSS JOIN LATERAL (
        SELECT o.memory_id, 1 - (o.embedding <=> m.embedding) AS similarity
        FROM memory_embedding o
        WHERE o.workspace_id = m.workspace_id AND o.memory_id <> m.memory_id
          AND 1 - (o.embedding <=> m.embedding) >= $4
        ORDER BY (o.embedding <=> m.embedding) + 0, o.memory_id
        LIMIT $3) n""";

  private static final String EMBEDDING_OF = "SELECT embedding::text FROM memory_embedding WHERE workspace_id = $1 AND memory_id = $2";

  private static final Comparator<Neighbour> BEST_FIRST =
      Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparing(Neighbour::memoryId);

  private final int exactScanMaxRows;

  public VectorSearch(int exactScanMaxRows) {
    this.exactScanMaxRows = exactScanMaxRows;
  }

  /** The memory's stored embedding in pgvector text form, or null while it has none (or does not exist). */
  public static Future<String> embeddingOf(SqlConnection conn, String workspaceId, String memoryId) {
    return conn.preparedQuery(EMBEDDING_OF).execute(Tuple.of(workspaceId, memoryId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * For each of the given memories (parallel lists), up to {@code k} memories of its own workspace nearest
   * to it, best first (equally near: by memory id), keyed by memory id; a memory without an embedding has no
   * entry. Workspaces on the exact path are answered by one statement for all their memories, the others
   * memory by memory.
   */
  public Future<Map<String, List<Neighbour>>> nearestToEach(SqlConnection conn, List<String> workspaceIds,
                                                           List<String> memoryIds, int k) {
    return nearestToEach(conn, workspaceIds, memoryIds, k, k, -1);
  }

  /**
   * {@link #nearestToEach} with a floor: the memories at least {@code minSimilarity} similar, at most
   * {@code exactLimit} of them in a workspace on the exact path and the {@code indexLimit} nearest through the
   * index (the index path cannot be asked for "all above" without scanning the whole graph).
   */
  public Future<Map<String, List<Neighbour>>> nearestToEach(SqlConnection conn, List<String> workspaceIds,
                                                           List<String> memoryIds, int exactLimit,
                                                           int indexLimit, double minSimilarity) {
    return scannedExactly(conn, workspaceIds)
        .compose(exact -> {
          List<String> exactWorkspaces = new ArrayList<>();
          List<String> exactMemories = new ArrayList<>();
          Map<String, String> indexed = new LinkedHashMap<>();   // memory -> workspace
          for (int i = 0; i < memoryIds.size(); i++) {
            if (exact.contains(workspaceIds.get(i))) {
              exactWorkspaces.add(workspaceIds.get(i));
              exactMemories.add(memoryIds.get(i));
            } else {
              indexed.put(memoryIds.get(i), workspaceIds.get(i));
            }
          }
          Map<String, List<Neighbour>> out = new HashMap<>();
          Future<Void> chain = exactMemories.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery(EXACT_EACH).execute(Tuple.tuple()
                      .addArrayOfString(exactWorkspaces.toArray(String[]::new))
                      .addArrayOfString(exactMemories.toArray(String[]::new)).addInteger(exactLimit)
                      .addDouble(minSimilarity))
                  .map(rows -> {
                    rows.forEach(r -> out.computeIfAbsent(r.getString(0), id -> new ArrayList<>())
                        .add(new Neighbour(r.getString(1), r.getDouble(2))));
                    out.values().forEach(list -> list.sort(BEST_FIRST));
                    return null;
                  });
          if (!indexed.isEmpty()) {
            chain = chain.compose(v -> conn.query(ITERATIVE_SCAN).execute()).mapEmpty();
          }
          for (Map.Entry<String, String> e : indexed.entrySet()) {
            chain = chain.compose(v -> embeddingOf(conn, e.getValue(), e.getKey()))
                .compose(vector -> vector == null ? Future.succeededFuture()
                    : nearestByIndex(conn, e.getValue(), vector, e.getKey(), indexLimit)
                        .map(near -> {
                          out.put(e.getKey(), near.stream().filter(n -> n.similarity() >= minSimilarity).toList());
                          return null;
                        }));
          }
          return chain.map(out);
        });
  }

  /**
   * Those of the workspaces small enough for the exact scan (at most {@code exactScanMaxRows} embedded
   * memories, counted no further than that); the others are searched through the index.
   */
  public Future<Set<String>> scannedExactly(SqlConnection conn, Collection<String> workspaceIds) {
    return conn.preparedQuery(COUNT_EMBEDDED_EACH)
        .execute(Tuple.tuple().addArrayOfString(new TreeSet<>(workspaceIds).toArray(String[]::new))
            .addInteger(exactScanMaxRows + 1))
        .map(counts -> {
          Set<String> exact = new HashSet<>();
          counts.forEach(r -> {
            if (r.getLong(1) <= exactScanMaxRows) {
              exact.add(r.getString(0));
            }
          });
          return exact;
        });
  }

  /** {@link #nearestToEach} for one memory: empty while it has no embedding. */
  public Future<List<Neighbour>> nearestTo(SqlConnection conn, String workspaceId, String memoryId, int k) {
    return nearestToEach(conn, List.of(workspaceId), List.of(memoryId), k)
        .map(near -> near.getOrDefault(memoryId, List.of()));
  }

  private static Future<List<Neighbour>> nearestByIndex(SqlConnection conn, String workspaceId, String vector,
                                                       String memoryId, int k) {
    return conn.preparedQuery(INDEXED).execute(Tuple.of(workspaceId, vector, memoryId, k))
        .map(rows -> {
          List<Neighbour> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Neighbour(r.getString(0), r.getDouble(1))));
          return out;
        });
  }
}
