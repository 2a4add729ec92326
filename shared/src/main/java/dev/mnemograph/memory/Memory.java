package dev.mnemograph.memory;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A memory as the API shows it (the reference page's memory object), plus its feedback counts. */
public record Memory(
    UUID id,
    String memoryId,
    String workspaceId,
    String title,
    String narrative,
    String memoryType,
    List<String> tags,
    List<String> concepts,
    List<String> sourceFiles,
    double importanceScore,
    double confidenceScore,
    Double pagerankScore,
    String communityLabel,
    int accessCount,
    int retrievalCount,
    OffsetDateTime lastAccessedAt,
    String sourceSessionId,
    boolean isConsolidated,
    List<String> consolidatedFrom,
    int feedbackPositiveCount,
    int feedbackNegativeCount,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /**
   * The memory types, in the contract's order: the one list the code takes them from (the schema's CHECK, the
   * contract's enum, the MCP tools' schemas and the web UI's list are kept equal to it by TypeListsTest).
   */
  public static final List<String> TYPES = List.of("decision", "pattern", "convention", "architecture",
      "discovery", "incident", "general", "wiki", "sdlc_knowledge", "bug_fix", "integration", "configuration",
      "debugging", "refactoring", "documentation", "learning", "dependency", "performance", "security");

  /** The columns {@link #of(Row)} reads, in a form to put after SELECT or RETURNING. */
  public static final String COLUMNS = """
      id, memory_id, workspace_id, title, narrative, memory_type, tags, concepts, source_files,
      importance_score, confidence_score, pagerank_score, community_label, access_count, retrieval_count,
      last_accessed_at, source_session_id, is_consolidated, consolidated_from,
      feedback_positive_count, feedback_negative_count, created_at, updated_at""";

  public static Memory of(Row r) {
    return new Memory(
        r.getUUID("id"),
        r.getString("memory_id"),
        r.getString("workspace_id"),
        r.getString("title"),
        r.getString("narrative"),
        r.getString("memory_type"),
        list(r.getArrayOfStrings("tags")),
        list(r.getArrayOfStrings("concepts")),
        list(r.getArrayOfStrings("source_files")),
        r.getDouble("importance_score"),
        r.getDouble("confidence_score"),
        r.getDouble("pagerank_score"),
        r.getString("community_label"),
        r.getInteger("access_count"),
        r.getInteger("retrieval_count"),
        r.getOffsetDateTime("last_accessed_at"),
        r.getString("source_session_id"),
        r.getBoolean("is_consolidated"),
        r.getArrayOfStrings("consolidated_from") == null ? null : list(r.getArrayOfStrings("consolidated_from")),
        r.getInteger("feedback_positive_count"),
        r.getInteger("feedback_negative_count"),
        r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"));
  }

  /** The memory object of the reference page, field for field and in its order. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("memory_id", memoryId)
        .put("workspace_id", workspaceId)
        .put("title", title)
        .put("narrative", narrative)
        .put("memory_type", memoryType)
        .put("tags", new JsonArray(tags))
        .put("concepts", new JsonArray(concepts))
        .put("source_files", new JsonArray(sourceFiles))
        .put("importance_score", importanceScore)
        .put("confidence_score", confidenceScore)
        .put("pagerank_score", pagerankScore)
        .put("community_label", communityLabel)
        .put("access_count", accessCount)
        .put("retrieval_count", retrievalCount)
        .put("last_accessed_at", Timestamps.format(lastAccessedAt))
        .put("source_session_id", sourceSessionId)
        .put("is_consolidated", isConsolidated)
        .put("consolidated_from", consolidatedFrom == null ? null : new JsonArray(consolidatedFrom))
        .put("created_at", Timestamps.format(createdAt))
        .put("updated_at", Timestamps.format(updatedAt));
  }

  /** The memory with other access figures (events counted on the API node and not yet written). */
  public Memory withAccess(int count, OffsetDateTime lastAccessed) {
    return new Memory(id, memoryId, workspaceId, title, narrative, memoryType, tags, concepts, sourceFiles,
        importanceScore, confidenceScore, pagerankScore, communityLabel, count, retrievalCount, lastAccessed,
        sourceSessionId, isConsolidated, consolidatedFrom, feedbackPositiveCount, feedbackNegativeCount,
        createdAt, updatedAt);
  }

  private static List<String> list(String[] values) {
    return values == null ? List.of() : Arrays.asList(values);
  }
}
