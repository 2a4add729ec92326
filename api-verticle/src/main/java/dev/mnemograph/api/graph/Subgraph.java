package dev.mnemograph.api.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** What POST /memories/explore answers: the nodes (seeds first), the edges among them, and the seeds. */
public record Subgraph(List<GraphNode> nodes, List<GraphEdge> edges, List<String> seedMemories) {

  public Subgraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    seedMemories = List.copyOf(seedMemories);
  }

  public JsonObject toJson() {
    JsonArray n = new JsonArray();
    nodes.forEach(node -> n.add(node.toJson()));
    JsonArray e = new JsonArray();
    edges.forEach(edge -> e.add(edge.toJson()));
    return new JsonObject().put("nodes", n).put("edges", e).put("seed_memories", new JsonArray(seedMemories));
  }
}
