package dev.mnemograph.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What GET /memories/graph answers: the most central memories and the relationships among them.
 *
 * @param truncated   whether memories or relationships of the workspace were left out
 * @param totals      the workspace's memories and relationships (of every type and confidence), counted up to
 *                    {@link GraphQuery#COUNT_CAP}
 */
public record MemoryGraph(List<GraphNode> nodes, List<GraphEdge> edges, boolean truncated,
                          GraphRepository.Totals totals) {

  public MemoryGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  public JsonObject toJson() {
    JsonArray n = new JsonArray();
    nodes.forEach(node -> n.add(node.toJson()));
    JsonArray e = new JsonArray();
    edges.forEach(edge -> e.add(edge.toJson()));
    return new JsonObject().put("nodes", n).put("edges", e).put("truncated", truncated)
        .put("total_nodes", totals.nodes()).put("total_nodes_capped", totals.nodesCapped())
        .put("total_edges", totals.edges()).put("total_edges_capped", totals.edgesCapped());
  }
}
