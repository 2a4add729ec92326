package dev.mnemograph.api.graph;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** A memory as a node of the graph: what it is about and how central it is. */
public record GraphNode(String memoryId, String title, String memoryType, double importanceScore,
                        Double pagerankScore, String communityLabel) {

  static final String COLUMNS = "memory_id, title, memory_type, importance_score, pagerank_score, community_label";

  static GraphNode of(Row r) {
    return new GraphNode(r.getString("memory_id"), r.getString("title"), r.getString("memory_type"),
        r.getDouble("importance_score"), r.getDouble("pagerank_score"), r.getString("community_label"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("memory_id", memoryId).put("title", title).put("memory_type", memoryType)
        .put("importance_score", importanceScore).put("pagerank_score", pagerankScore)
        .put("community_label", communityLabel);
  }
}
