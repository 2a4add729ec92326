package dev.mnemograph.api.memory;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/**
 * One rating of a memory, as stored, with the memory's importance after it.
 *
 * @param importanceScore the memory's importance_score, learned again with this rating counted
 */
public record Feedback(long id, String memoryId, boolean useful, String context, String sessionId,
                       OffsetDateTime createdAt, double importanceScore) {

  static Feedback of(Row r, double importanceScore) {
    return new Feedback(r.getLong("feedback_id"), r.getString("memory_id"), r.getBoolean("useful"),
        r.getString("context"), r.getString("session_id"), r.getOffsetDateTime("created_at"), importanceScore);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("memory_id", memoryId).put("useful", useful).put("context", context)
        .put("session_id", sessionId).put("created_at", Timestamps.format(createdAt))
        .put("importance_score", importanceScore);
  }
}
