package dev.mnemograph.api.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What GET /memories/graph answers: the most central memories and the relationships among them.
 *
 * @param truncated   whether memories or relationships of the workspace were left out
 * @param totals      the workspace's memories and relationships (of every type and confidence), counted up to
 *                    {@link GraphQuery#COUNT_CAP}
 * @param communities the workspace's largest communities, when asked for ({@link GraphQuery#includeCommunities});
 *                    null otherwise
 */
public record MemoryGraph(List<GraphNode> nodes, List<GraphEdge> edges, boolean truncated,
                          GraphRepository.Totals totals, List<Community> communities) {

  /** A community of the last graph run: its label (unique in the workspace) and how many memories it has. */
  public record Community(String label, long size) {
  }

  public MemoryGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    communities = communities == null ? null : List.copyOf(communities);
  }

  public JsonObject toJson() {
    JsonArray n = new JsonArray();
    nodes.forEach(node -> n.add(node.toJson()));
    JsonArray e = new JsonArray();
    edges.forEach(edge -> e.add(edge.toJson()));
    JsonObject json = new JsonObject().put("nodes", n).put("edges", e).put("truncated", truncated)
        .put("total_nodes", totals.nodes()).put("total_nodes_capped", totals.nodesCapped())
        .put("total_edges", totals.edges()).put("total_edges_capped", totals.edgesCapped());
    if (communities != null) {
      JsonArray c = new JsonArray();
      communities.forEach(k -> c.add(new JsonObject().put("label", k.label()).put("size", k.size())));
      json.put("communities", c);
    }
    return json;
  }
}
