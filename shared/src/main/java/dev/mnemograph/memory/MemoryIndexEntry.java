package dev.mnemograph.memory;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** One line of a workspace's index (GET /memories/index, MCP memory_get_index): what a memory is about. */
public record MemoryIndexEntry(String memoryId, String title, String memoryType, double importanceScore) {

  static MemoryIndexEntry of(Row r) {
    return new MemoryIndexEntry(r.getString("memory_id"), r.getString("title"), r.getString("memory_type"),
        r.getDouble("importance_score"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("memory_id", memoryId).put("title", title).put("memory_type", memoryType)
        .put("importance_score", importanceScore);
  }
}
