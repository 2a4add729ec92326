package dev.mnemograph.api.graph;

import dev.mnemograph.db.Database;
import dev.mnemograph.error.NotFoundException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reads of the graph endpoints: the relationships at a set of memories (one statement per level of a
 * search or round of an exploration, on the indexes by source and by target), the most central memories, the
 * relationships among a set of memories, and the workspace's counts. Every statement names the workspace.
 */
public final class GraphRepository {
  /** A path search reads at most this many relationships per memory and branch (its strongest). */
  public static final int PATH_EDGES_PER_MEMORY = 1_000;
  /** ... and at most this many per level. */
  public static final int PATH_EDGES_PER_LEVEL = 50_000;

  private static final String EXISTING = """
      SELECT memory_id FROM memory WHERE workspace_id = $1 AND memory_id = ANY($2)""";

  /**
   * One branch of a frontier memory's relationships: those stored with it at {@code %2$s}, reaching the
   * memory at {@code %1$s}; {@code %3$s} may restrict it to bidirectional ones. $3 types, $4 lowest
   * confidence, $5 how many per memory (its strongest).
   */
  private static final String BRANCH = """
        (SELECT r.%1$s AS to_id, r.source_memory_id, r.target_memory_id, r.relationship_type, r.confidence
         FROM memory_relationship r
         WHERE r.workspace_id = $1 AND r.%2$s = f.id %3$s
           AND r.relationship_type = ANY($3) AND r.confidence >= $4
         ORDER BY r.confidence DESC, r.relationship_type, r.%1$s
         LIMIT $5)""";

  /** The walkable relationships at each memory of $2: {@code %s} is the two branches. $6 caps the rows. */
  private static final String STEPS = """
      SELECT f.id AS from_id, e.to_id, e.source_memory_id, e.target_memory_id, e.relationship_type, e.confidence
      FROM unnest($2::text[]) AS f(id)
      CROSS JOIN LATERAL (%s) e
      LIMIT $6""";

  /** Away from the source: a relationship from the memory, or a bidirectional one to it. */
  private static final String FORWARD_STEPS = STEPS.formatted(
      BRANCH.formatted("target_memory_id", "source_memory_id", "") + "\n      UNION ALL\n"
      + BRANCH.formatted("source_memory_id", "target_memory_id", "AND r.is_bidirectional"));

  /** Back from the target: a relationship to the memory, or a bidirectional one from it. */
  private static final String BACKWARD_STEPS = STEPS.formatted(
      BRANCH.formatted("source_memory_id", "target_memory_id", "") + "\n      UNION ALL\n"
      + BRANCH.formatted("target_memory_id", "source_memory_id", "AND r.is_bidirectional"));

  /**
   * Explore: every relationship at each memory of $2, either way, to a memory not in $6 (the subgraph so far:
   * reaching it again changes nothing), with the reached memory's PageRank. Only the PageRank: a round reads
   * many more relationships than it keeps memories, and reading their titles too made it slower (BENCHMARKS.md,
   * "Graph latency"). The PageRank is looked up per relationship read (LIMIT 1 keeps the planner from
   * flattening it into a join): as a join, a workspace that was new at the last ANALYZE (estimated at one
   * memory) made the planner scan the workspace's memories outside and run the whole walk once per memory,
   * seconds a round where it takes milliseconds (seen in CI's fuzzer; BENCHMARKS.md, "Graph latency").
   */
  private static final String REACH = """
      SELECT f.id AS from_id, e.to_id, e.confidence, m.pagerank_score
      FROM unnest($2::text[]) AS f(id)
      CROSS JOIN LATERAL (%s) e
      CROSS JOIN LATERAL (SELECT pagerank_score FROM memory
                          WHERE workspace_id = $1 AND memory_id = e.to_id LIMIT 1) m""".formatted(
      BRANCH.formatted("target_memory_id", "source_memory_id", "AND r.target_memory_id <> ALL($6)")
      + "\n      UNION ALL\n"
      + BRANCH.formatted("source_memory_id", "target_memory_id", "AND r.source_memory_id <> ALL($6)"));

  private static final String NODES = "SELECT " + GraphNode.COLUMNS
      + " FROM memory WHERE workspace_id = $1 AND memory_id = ANY($2)";

  /** The most central memories; a memory not ranked yet (no PageRank) comes after every ranked one. */
  private static final String CENTRAL = "SELECT " + GraphNode.COLUMNS + """
       FROM memory WHERE workspace_id = $1
      ORDER BY pagerank_score DESC NULLS LAST, importance_score DESC, memory_id
      LIMIT $2""";

  /**
   * The relationships with both ends among $2, strongest first: the source and the target indexes ANDed.
   * Planned each time ({@link Database#PLANNED_EACH_TIME}): the generic plan of the cached statement took $2 for
   * ten memories and compared every relationship of the set's memories with every memory of it, seconds instead
   * of milliseconds for thousands of memories (BENCHMARKS.md, "Graph latency").
   */
  private static final String AMONG = Database.PLANNED_EACH_TIME + """
      SELECT source_memory_id, target_memory_id, relationship_type, confidence
      FROM memory_relationship
      WHERE workspace_id = $1 AND source_memory_id = ANY($2) AND target_memory_id = ANY($2)
        AND relationship_type = ANY($3) AND confidence >= $4
      ORDER BY confidence DESC, source_memory_id, target_memory_id, relationship_type
      LIMIT $5""";

  /**
   * The workspace's memories and relationships, each counted up to $2 rows. Counting all the relationships of
   * a large workspace read every entry of an index on every request (more before VACUUM has set the visibility
   * map, when each entry costs a heap fetch); counting up to $2 reads at most $2 entries (BENCHMARKS.md,
   * "Graph latency").
   */
  private static final String TOTALS = """
      SELECT (SELECT count(*) FROM (SELECT 1 FROM memory WHERE workspace_id = $1 LIMIT $2) m) AS nodes,
             (SELECT count(*) FROM (SELECT 1 FROM memory_relationship WHERE workspace_id = $1 LIMIT $2) r) AS edges""";

  /**
   * The workspace's communities (the last graph run's labels) by size, largest first, at most $2. Only when asked
   * for: it reads every memory row of the workspace.
   */
  private static final String COMMUNITIES = """
      SELECT community_label, count(*) AS size FROM memory
      WHERE workspace_id = $1 AND community_label IS NOT NULL
      GROUP BY community_label
      ORDER BY size DESC, community_label
      LIMIT $2""";

  /**
   * The workspace's memory and relationship counts, each exact up to {@link GraphQuery#COUNT_CAP}; past it,
   * the count reads {@code COUNT_CAP} and its flag says so.
   */
  public record Totals(long nodes, boolean nodesCapped, long edges, boolean edgesCapped) {
  }

  /** Fails with {@link NotFoundException} for the first of the memories that is not in the workspace. */
  public Future<Void> requireAll(SqlClient client, String workspaceId, List<String> memoryIds) {
    return client.preparedQuery(EXISTING)
        .execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new)))
        .compose(rows -> {
          Set<String> found = new HashSet<>();
          rows.forEach(r -> found.add(r.getString(0)));
          for (String id : memoryIds) {
            if (!found.contains(id)) {
              return Future.failedFuture(NotFoundException.memory(id));
            }
          }
          return Future.succeededFuture();
        });
  }

  /** A path search's reads, over relationships of the given types, on this client. */
  public ShortestPath.Steps pathSteps(SqlClient client, String workspaceId, List<String> types) {
    String[] typeArray = types.toArray(String[]::new);
    return (direction, frontier) -> client
        .preparedQuery(direction == ShortestPath.Direction.FORWARD ? FORWARD_STEPS : BACKWARD_STEPS)
        .execute(Tuple.of(workspaceId).addArrayOfString(frontier.toArray(String[]::new))
            .addArrayOfString(typeArray).addDouble(0.0)
            .addInteger(PATH_EDGES_PER_MEMORY + 1).addInteger(PATH_EDGES_PER_LEVEL + 1))
        .map(GraphRepository::steps);
  }

  /** The steps read, each bound kept exactly: one row past a bound (read to see it) is left out and cuts. */
  private static ShortestPath.StepBatch steps(RowSet<Row> rows) {
    List<ShortestPath.Step> out = new ArrayList<>(rows.size());
    // per frontier memory and branch (the branch shows in which end the reached memory is)
    Map<String, Integer> perBranch = new HashMap<>();
    boolean cut = false;
    for (Row r : rows) {
      if (out.size() == PATH_EDGES_PER_LEVEL) {
        cut = true;
        break;
      }
      String from = r.getString("from_id");
      String to = r.getString("to_id");
      GraphEdge edge = GraphEdge.of(r);
      if (perBranch.merge(from + (to.equals(edge.targetMemoryId()) ? ">" : "<"), 1, Integer::sum)
          > PATH_EDGES_PER_MEMORY) {
        cut = true;
        continue;
      }
      out.add(new ShortestPath.Step(from, to, edge));
    }
    return new ShortestPath.StepBatch(out, cut);
  }

  /**
   * Explore's read for one round: the relationships at each memory of the frontier, either way, of the
   * given types and at least the given confidence, to memories not in {@code exclude}; at most
   * {@code perMemory} per memory and direction (the strongest).
   */
  public Future<List<Exploration.Reach>> reach(SqlClient client, String workspaceId, List<String> frontier,
                                               Collection<String> exclude, List<String> types,
                                               double minConfidence, int perMemory) {
    return client.preparedQuery(REACH)
        .execute(Tuple.of(workspaceId).addArrayOfString(frontier.toArray(String[]::new))
            .addArrayOfString(types.toArray(String[]::new)).addDouble(minConfidence).addInteger(perMemory)
            .addArrayOfString(exclude.toArray(String[]::new)))
        .map(rows -> {
          List<Exploration.Reach> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Exploration.Reach(r.getString("from_id"), r.getString("to_id"),
              r.getDouble("confidence"), r.getDouble("pagerank_score"))));
          return out;
        });
  }

  /** Those of the memories that exist in the workspace, in the order given. */
  public Future<List<GraphNode>> nodes(SqlClient client, String workspaceId, List<String> memoryIds) {
    if (memoryIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return client.preparedQuery(NODES).mapping(GraphNode::of)
        .execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, GraphNode> byId = new HashMap<>();
          rows.forEach(n -> byId.put(n.memoryId(), n));
          return memoryIds.stream().filter(byId::containsKey).map(byId::get).toList();
        });
  }

  /** The workspace's {@code limit} most central memories. */
  public Future<List<GraphNode>> central(SqlClient client, String workspaceId, int limit) {
    return client.preparedQuery(CENTRAL).mapping(GraphNode::of).execute(Tuple.of(workspaceId, limit))
        .map(GraphRepository::all);
  }

  /** The relationships with both ends among the memories, strongest first, at most {@code limit}. */
  public Future<List<GraphEdge>> among(SqlClient client, String workspaceId, List<String> memoryIds,
                                       List<String> types, double minConfidence, int limit) {
    if (memoryIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return client.preparedQuery(AMONG).mapping(GraphEdge::of)
        .execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new))
            .addArrayOfString(types.toArray(String[]::new)).addDouble(minConfidence).addInteger(limit))
        .map(GraphRepository::all);
  }

  /** The workspace's {@code limit} largest communities. */
  public Future<List<MemoryGraph.Community>> communities(SqlClient client, String workspaceId, int limit) {
    return client.preparedQuery(COMMUNITIES)
        .mapping(r -> new MemoryGraph.Community(r.getString("community_label"), r.getLong("size")))
        .execute(Tuple.of(workspaceId, limit)).map(GraphRepository::all);
  }

  public Future<Totals> totals(SqlClient client, String workspaceId) {
    return client.preparedQuery(TOTALS).execute(Tuple.of(workspaceId, GraphQuery.COUNT_CAP + 1))
        .map(rows -> {
          Row r = rows.iterator().next();
          long nodes = r.getLong("nodes");
          long edges = r.getLong("edges");
          return new Totals(Math.min(nodes, GraphQuery.COUNT_CAP), nodes > GraphQuery.COUNT_CAP,
              Math.min(edges, GraphQuery.COUNT_CAP), edges > GraphQuery.COUNT_CAP);
        });
  }

  private static <T> List<T> all(RowSet<T> rows) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
