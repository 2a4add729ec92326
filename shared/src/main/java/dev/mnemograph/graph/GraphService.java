package dev.mnemograph.graph;

import dev.mnemograph.search.SearchQuery;
import dev.mnemograph.search.SearchResults;
import dev.mnemograph.search.SearchService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The graph reads of the API: the shortest path between two memories, a subgraph explored from a topic, and
 * the workspace's most central part. Each runs on one connection for all its statements (reads only, no
 * transaction); the graph work between them is small (bounded maps) and runs on the event loop.
 */
public final class GraphService {
  /** A path search does not expand a frontier larger than this (see {@link ShortestPath}). */
  public static final int PATH_MAX_FRONTIER = 5_000;

  private final Pool pool;
  private final GraphRepository graph;
  private final SearchService search;

  public GraphService(Pool pool, GraphRepository graph, SearchService search) {
    this.pool = pool;
    this.graph = graph;
    this.search = search;
  }

  /** 404 ({@link dev.mnemograph.error.NotFoundException}) when either memory is not in the workspace. */
  public Future<MemoryPath> path(String workspaceId, PathQuery q) {
    return pool.withConnection(conn -> graph.requireAll(conn, workspaceId,
            List.of(q.sourceMemoryId(), q.targetMemoryId()))
        .compose(v -> new ShortestPath(graph.pathSteps(conn, workspaceId, q.relationshipTypes()), PATH_MAX_FRONTIER)
            .find(q.sourceMemoryId(), q.targetMemoryId(), q.maxDepth())));
  }

  /**
   * Seeds by hybrid search (which records a retrieval event for each seed, as any search does), then grows
   * best-first ({@link Exploration}); the memories reached are only read. The seeds' retrieval events are
   * written while the subgraph grows, on another connection (the embedded database's only one serves them in
   * turn). A node's fields come with the read that reached it (a seed's with its retrieval event), so that
   * the growth takes one statement per round and one for the edges.
   */
  public Future<Subgraph> explore(String workspaceId, ExploreQuery q) {
    SearchQuery seeds = new SearchQuery(q.query(), List.of(), List.of(), List.of(), List.of(), null, q.seedLimit(),
        true, true, false);
    return search.rank(workspaceId, seeds).compose(page -> {
      Future<SearchResults> recorded = search.record(workspaceId, page);
      List<String> seedIds = page.memoryIds();
      Exploration growth = new Exploration(seedIds, q.maxNodes());
      Map<String, GraphNode> known = new HashMap<>();
      Future<List<GraphEdge>> grown = pool.withConnection(conn -> grow(conn, workspaceId, q, growth, known)
          .compose(v -> graph.among(conn, workspaceId, growth.nodes(), q.relationshipTypes(),
              q.minEdgeConfidence(), Integer.MAX_VALUE)));
      return Future.all(recorded, grown).map(both -> {
        // a seed deleted since the search ranked it has no retrieval event, and is left out
        recorded.result().results().forEach(r -> known.put(r.memory().memoryId(), GraphNode.of(r.memory())));
        List<GraphNode> nodes = growth.nodes().stream().filter(known::containsKey).map(known::get).toList();
        Set<String> present = nodes.stream().map(GraphNode::memoryId).collect(Collectors.toSet());
        return new Subgraph(nodes, grown.result().stream()
            .filter(e -> present.contains(e.sourceMemoryId()) && present.contains(e.targetMemoryId())).toList(),
            seedIds.stream().filter(present::contains).toList());
      });
    });
  }

  private Future<Void> grow(SqlConnection conn, String workspaceId, ExploreQuery q, Exploration growth,
                            Map<String, GraphNode> known) {
    if (growth.done()) {
      return Future.succeededFuture();
    }
    Future<List<GraphRepository.Reached>> reached = growth.frontier().isEmpty() ? Future.succeededFuture(List.of())
        // no memory can bring more than the whole budget into the subgraph
        : graph.reach(conn, workspaceId, growth.frontier(), growth.nodes(), q.relationshipTypes(),
            q.minEdgeConfidence(), q.maxNodes());
    return reached.compose(rows -> {
      List<Exploration.Reach> reach = new ArrayList<>(rows.size());
      for (GraphRepository.Reached r : rows) {
        known.putIfAbsent(r.to().memoryId(), r.to());
        reach.add(new Exploration.Reach(r.from(), r.to().memoryId(), r.confidence(), r.to().pagerankScore()));
      }
      growth.round(reach);
      return grow(conn, workspaceId, q, growth, known);
    });
  }

  /**
   * The {@code maxNodes} most central memories and the strongest relationships among them. The counts and the
   * central memories are independent reads, sent together on the connection.
   */
  public Future<MemoryGraph> graph(String workspaceId, GraphQuery q) {
    int maxEdges = q.maxNodes() * GraphQuery.EDGES_PER_NODE;
    return pool.withConnection(conn -> {
      Future<GraphRepository.Totals> totals = graph.totals(conn, workspaceId);
      return graph.central(conn, workspaceId, q.maxNodes())
          .compose(nodes -> graph.among(conn, workspaceId, nodes.stream().map(GraphNode::memoryId).toList(),
                  q.relationshipTypes(), q.minConfidence(), maxEdges + 1)
              .compose(edges -> totals.map(t -> new MemoryGraph(nodes,
                  edges.size() > maxEdges ? edges.subList(0, maxEdges) : edges,
                  nodes.size() < t.nodes() || edges.size() > maxEdges, t))));
    });
  }
}
