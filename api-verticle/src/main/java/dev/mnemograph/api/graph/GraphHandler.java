package dev.mnemograph.api.graph;

import dev.mnemograph.api.auth.TokenAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;

import java.util.Map;

import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.bool;
import static dev.mnemograph.api.openapi.Requests.decimal;
import static dev.mnemograph.api.openapi.Requests.integer;
import static dev.mnemograph.api.openapi.Requests.respond;
import static dev.mnemograph.api.openapi.Requests.stringArray;
import static dev.mnemograph.api.openapi.Requests.strings;
import static dev.mnemograph.api.openapi.Requests.validated;

/** The graph reads: POST /memories/path, POST /memories/explore, GET /memories/graph. */
public final class GraphHandler {
  private final GraphService graph;

  public GraphHandler(GraphService graph) {
    this.graph = graph;
  }

  public void path(RoutingContext rc) {
    JsonObject b = body(rc);
    PathQuery q = new PathQuery(b.getString("source_memory_id"), b.getString("target_memory_id"),
        b.getInteger("max_depth", PathQuery.DEFAULT_MAX_DEPTH), strings(b, "relationship_types"));
    respond(rc, 200, graph.path(TokenAuth.workspaceId(rc), q).map(MemoryPath::toJson));
  }

  public void explore(RoutingContext rc) {
    JsonObject b = body(rc);
    ExploreQuery q = new ExploreQuery(b.getString("query"), b.getInteger("max_nodes", ExploreQuery.DEFAULT_MAX_NODES),
        strings(b, "relationship_types"), b.getDouble("min_edge_confidence", 0.0),
        b.getInteger("seed_limit", ExploreQuery.DEFAULT_SEED_LIMIT));
    respond(rc, 200, graph.explore(TokenAuth.workspaceId(rc), q).map(Subgraph::toJson));
  }

  public void graph(RoutingContext rc) {
    Map<String, RequestParameter> params = validated(rc).getQuery();
    GraphQuery q = new GraphQuery(integer(params, "max_nodes", GraphQuery.DEFAULT_MAX_NODES),
        decimal(params, "min_confidence", 0.0), stringArray(params, "relationship_types"),
        bool(params, "include_communities"));
    respond(rc, 200, graph.graph(TokenAuth.workspaceId(rc), q).map(MemoryGraph::toJson));
  }
}
