package dev.mnemograph.memory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A memory with its relationships: the detail view (GET /memories/{id}). The two relationship arrays are the
 * JSON text PostgreSQL wrote them as, so that the REST answer passes them on without parsing them.
 */
public record MemoryDetail(Memory memory, String outgoingJson, String incomingJson) {

  public MemoryDetail with(Memory m) {
    return new MemoryDetail(m, outgoingJson, incomingJson);
  }

  /** The memory object, its feedback counts, then both relationship arrays. */
  public JsonObject toJson() {
    return memoryJson()
        .put("outgoing_relationships", new JsonArray(outgoingJson))
        .put("incoming_relationships", new JsonArray(incomingJson));
  }

  /** {@link #toJson()} encoded, with the relationship arrays spliced in as they came. */
  public String encode() {
    String m = memoryJson().encode();
    return new StringBuilder(m.length() + outgoingJson.length() + incomingJson.length() + 64)
        .append(m, 0, m.length() - 1)
        .append(",\"outgoing_relationships\":").append(outgoingJson)
        .append(",\"incoming_relationships\":").append(incomingJson)
        .append('}').toString();
  }

  private JsonObject memoryJson() {
    return memory.toJson()
        .put("feedback_positive_count", memory.feedbackPositiveCount())
        .put("feedback_negative_count", memory.feedbackNegativeCount());
  }
}
