package dev.mnemograph.memory;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A directed, typed edge between two memories of one workspace. */
public record Relationship(
    UUID id,
    String sourceMemoryId,
    String targetMemoryId,
    String relationshipType,
    String discoveryMethod,
    double confidence,
    boolean isBidirectional,
    String context,
    OffsetDateTime createdAt) {

  /**
   * The relationship types: the one list the code takes them from (the schema's CHECK, the contract's enum, the
   * MCP tools' schemas and the web UI's list are kept equal to it by TypeListsTest).
   */
  public static final List<String> TYPES = List.of("references", "related_to", "caused_by", "contradicts",
      "supersedes", "similar_to", "depends_on");

  public static final String COLUMNS = """
      id, source_memory_id, target_memory_id, relationship_type, discovery_method, confidence,
      is_bidirectional, context, created_at""";

  public static Relationship of(Row r) {
    return new Relationship(
        r.getUUID("id"),
        r.getString("source_memory_id"),
        r.getString("target_memory_id"),
        r.getString("relationship_type"),
        r.getString("discovery_method"),
        r.getDouble("confidence"),
        r.getBoolean("is_bidirectional"),
        r.getString("context"),
        r.getOffsetDateTime("created_at"));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("source_memory_id", sourceMemoryId)
        .put("target_memory_id", targetMemoryId)
        .put("relationship_type", relationshipType)
        .put("discovery_method", discoveryMethod)
        .put("confidence", confidence)
        .put("is_bidirectional", isBidirectional)
        .put("context", context)
        .put("created_at", Timestamps.format(createdAt));
  }
}
