package dev.mnemograph.api.graph;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** A relationship as the graph endpoints show it: its two ends as stored, its type and confidence. */
public record GraphEdge(String sourceMemoryId, String targetMemoryId, String relationshipType, double confidence) {

  static final String COLUMNS = "source_memory_id, target_memory_id, relationship_type, confidence";

  static GraphEdge of(Row r) {
    return new GraphEdge(r.getString("source_memory_id"), r.getString("target_memory_id"),
        r.getString("relationship_type"), r.getDouble("confidence"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("source_memory_id", sourceMemoryId).put("target_memory_id", targetMemoryId)
        .put("relationship_type", relationshipType).put("confidence", confidence);
  }
}
