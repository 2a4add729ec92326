package dev.mnemograph.api.graph;

import dev.mnemograph.api.search.SearchQuery;
import dev.mnemograph.api.search.SearchResults;
import dev.mnemograph.api.search.SearchService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;
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
   * turn); the growth takes one statement per round, then the nodes and the edges among them, sent together.
   */
  public Future<Subgraph> explore(String workspaceId, ExploreQuery q) {
    SearchQuery seeds = new SearchQuery(q.query(), List.of(), List.of(), List.of(), List.of(), null, q.seedLimit(),
        true, true, false);
    return search.rank(workspaceId, seeds).compose(page -> {
      Future<SearchResults> recorded = search.record(workspaceId, page);
      List<String> seedIds = page.memoryIds();
      Exploration growth = new Exploration(seedIds, q.maxNodes());
      Future<Subgraph> grown = pool.withConnection(conn -> grow(conn, workspaceId, q, growth)
          .compose(v -> subgraph(conn, workspaceId, growth.nodes(), q.relationshipTypes(), q.minEdgeConfidence(),
              seedIds)));
      return Future.all(recorded, grown).map(both -> grown.result());
    });
  }

  private Future<Void> grow(SqlConnection conn, String workspaceId, ExploreQuery q, Exploration growth) {
    if (growth.done()) {
      return Future.succeededFuture();
    }
    Future<List<Exploration.Reach>> reached = growth.frontier().isEmpty() ? Future.succeededFuture(List.of())
        // no memory can bring more than the whole budget into the subgraph
        : graph.reach(conn, workspaceId, growth.frontier(), growth.nodes(), q.relationshipTypes(),
            q.minEdgeConfidence(), q.maxNodes());
    return reached.compose(r -> {
      growth.round(r);
      return grow(conn, workspaceId, q, growth);
    });
  }

  /** The nodes and the edges among them: independent reads, sent together on the connection. */
  private Future<Subgraph> subgraph(SqlConnection conn, String workspaceId, List<String> memoryIds,
                                    List<String> types, double minConfidence, List<String> seeds) {
    Future<List<GraphNode>> nodes = graph.nodes(conn, workspaceId, memoryIds);
    Future<List<GraphEdge>> edges = graph.among(conn, workspaceId, memoryIds, types, minConfidence,
        Integer.MAX_VALUE);
    return Future.all(nodes, edges).map(both -> {
      // a memory deleted meanwhile is left out, and so are its edges
      Set<String> present = nodes.result().stream().map(GraphNode::memoryId).collect(Collectors.toSet());
      return new Subgraph(nodes.result(), edges.result().stream()
          .filter(e -> present.contains(e.sourceMemoryId()) && present.contains(e.targetMemoryId())).toList(),
          seeds.stream().filter(present::contains).toList());
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
      Future<List<MemoryGraph.Community>> communities = q.includeCommunities()
          ? graph.communities(conn, workspaceId, GraphQuery.MAX_COMMUNITIES) : Future.succeededFuture(null);
      return graph.central(conn, workspaceId, q.maxNodes())
          .compose(nodes -> graph.among(conn, workspaceId, nodes.stream().map(GraphNode::memoryId).toList(),
                  q.relationshipTypes(), q.minConfidence(), maxEdges + 1)
              .compose(edges -> totals.compose(t -> communities.map(c -> new MemoryGraph(nodes,
                  edges.size() > maxEdges ? edges.subList(0, maxEdges) : edges,
                  nodes.size() < t.nodes() || edges.size() > maxEdges, t, c)))));
    });
  }
}
