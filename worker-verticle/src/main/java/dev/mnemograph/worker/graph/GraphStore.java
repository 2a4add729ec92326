package dev.mnemograph.worker.graph;

import dev.mnemograph.db.Chunks;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collector;

/**
 * Reads a workspace's graph for analysis and writes the results back. Rows are folded into arrays as they
 * arrive (a collector, no result set held), and the write-back goes in short statements of
 * {@value #WRITE_BATCH} memories each, so that no long transaction holds the database (the embedded one is
 * a single session).
 */
public final class GraphStore {
  static final int WRITE_BATCH = 5_000;

  private static final String NODES = """
      SELECT memory_id, concepts || tags, title FROM memory WHERE workspace_id = $1 ORDER BY memory_id""";

  /** One row per pair of memories joined by any edge: highest confidence, and which ways it may be walked. */
  private static final String PAIRS = """
      SELECT least(source_memory_id, target_memory_id), greatest(source_memory_id, target_memory_id),
             max(confidence),
             bool_or(is_bidirectional OR source_memory_id < target_memory_id),
             bool_or(is_bidirectional OR source_memory_id > target_memory_id)
      FROM memory_relationship WHERE workspace_id = $1 AND confidence > 0
      GROUP BY 1, 2""";

  /**
   * PageRank, community and the importance learned with the new PageRank, for a batch of memories; rows
   * that would not change are left alone.
   */
  private static final String WRITE_BACK = """
      UPDATE memory m SET pagerank_score = u.pagerank, community_label = u.label, importance_score = u.importance
      FROM (SELECT u.memory_id, u.pagerank, u.label,
                   learned_importance(m.base_importance, m.feedback_positive_count, m.feedback_negative_count,
                                      m.access_count, m.retrieval_count, u.pagerank,
                                      greatest(m.last_accessed_at, m.created_at), now()) AS importance
            FROM unnest($2::text[], $3::float8[], $4::text[]) AS u(memory_id, pagerank, label)
            JOIN memory m ON m.workspace_id = $1 AND m.memory_id = u.memory_id) u
      WHERE m.workspace_id = $1 AND m.memory_id = u.memory_id
        AND (m.pagerank_score IS DISTINCT FROM u.pagerank OR m.community_label IS DISTINCT FROM u.label
             OR m.importance_score IS DISTINCT FROM u.importance)""";

  private final Pool pool;

  public GraphStore(Pool pool) {
    this.pool = pool;
  }

  public Future<WorkspaceNetwork> load(String workspaceId) {
    return pool.preparedQuery(NODES).collecting(Collector.of(Nodes::new, Nodes::add, (x, y) -> x))
        .execute(Tuple.of(workspaceId)).map(SqlResult::value)
        .compose(nodes -> pool.preparedQuery(PAIRS)
            .collecting(Collector.of(() -> new Pairs(nodes.index), Pairs::add, (x, y) -> x))
            .execute(Tuple.of(workspaceId)).map(SqlResult::value)
            .map(pairs -> pairs.network(nodes)));
  }

  /** Writes every node's PageRank and community label; answers how many memories changed. */
  public Future<Integer> write(String workspaceId, List<String> memoryIds, double[] pagerank, String[] labels) {
    return Chunks.inOrder(memoryIds.size(), WRITE_BATCH, (start, end) -> pool.preparedQuery(WRITE_BACK)
        .execute(Tuple.of(workspaceId)
            .addArrayOfString(memoryIds.subList(start, end).toArray(String[]::new))
            .addArrayOfDouble(Arrays.stream(pagerank, start, end).boxed().toArray(Double[]::new))
            .addArrayOfString(Arrays.copyOfRange(labels, start, end)))
        .map(r -> r.rowCount()));
  }

  private static final class Nodes {
    final List<String> ids = new ArrayList<>();
    final List<List<String>> terms = new ArrayList<>();
    final List<String> titles = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();

    void add(Row r) {
      index.put(r.getString(0), ids.size());
      ids.add(r.getString(0));
      terms.add(Arrays.asList(r.getArrayOfStrings(1)));
      titles.add(r.getString(2));
    }
  }

  private static final class Pairs {
    final Map<String, Integer> index;
    int size;
    int[] a = new int[1024];
    int[] b = new int[1024];
    double[] weight = new double[1024];
    boolean[] forward = new boolean[1024];
    boolean[] backward = new boolean[1024];

    Pairs(Map<String, Integer> index) {
      this.index = index;
    }

    void add(Row r) {
      Integer from = index.get(r.getString(0));
      Integer to = index.get(r.getString(1));
      if (from == null || to == null) {
        return;   // a memory stored after the nodes were read: the next run has it
      }
      if (size == a.length) {
        int grown = size * 2;
        a = Arrays.copyOf(a, grown);
        b = Arrays.copyOf(b, grown);
        weight = Arrays.copyOf(weight, grown);
        forward = Arrays.copyOf(forward, grown);
        backward = Arrays.copyOf(backward, grown);
      }
      a[size] = from;
      b[size] = to;
      weight[size] = r.getDouble(2);
      forward[size] = r.getBoolean(3);
      backward[size] = r.getBoolean(4);
      size++;
    }

    WorkspaceNetwork network(Nodes nodes) {
      return new WorkspaceNetwork(nodes.ids, nodes.terms, nodes.titles, Arrays.copyOf(a, size),
          Arrays.copyOf(b, size), Arrays.copyOf(weight, size), Arrays.copyOf(forward, size),
          Arrays.copyOf(backward, size));
    }
  }
}
