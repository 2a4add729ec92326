package dev.mnemograph.memory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** A memory with its relationships: the detail view (GET /memories/{id}). */
public record MemoryDetail(Memory memory, List<Relationship> outgoing, List<Relationship> incoming) {

  /** The memory object, its feedback counts, then both relationship arrays. */
  public JsonObject toJson() {
    return memory.toJson()
        .put("feedback_positive_count", memory.feedbackPositiveCount())
        .put("feedback_negative_count", memory.feedbackNegativeCount())
        .put("outgoing_relationships", array(outgoing))
        .put("incoming_relationships", array(incoming));
  }

  private static JsonArray array(List<Relationship> edges) {
    JsonArray out = new JsonArray();
    edges.forEach(e -> out.add(e.toJson()));
    return out;
  }
}
