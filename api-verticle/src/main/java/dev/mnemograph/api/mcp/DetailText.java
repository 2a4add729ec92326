package dev.mnemograph.api.mcp;

import dev.mnemograph.api.search.SearchResult;
import dev.mnemograph.memory.Memory;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** The text and structure of memory_get_detail. */
final class DetailText {
  /** Relationship lines memory_get_detail shows before it only counts the rest. */
  static final int RELATIONSHIP_LINES = 40;

  private DetailText() {
  }

  static CallToolResult render(JsonObject d, List<SearchResult> similar, boolean includeRelated) {
    String narrative = d.getString("narrative");
    StringBuilder t = new StringBuilder()
        .append(d.getString("memory_id")).append(" · ").append(d.getString("memory_type")).append(" · \"")
        .append(d.getString("title")).append("\"\n")
        .append("importance ").append(ToolResults.decimal(d.getDouble("importance_score")))
        .append(" · confidence ").append(ToolResults.decimal(d.getDouble("confidence_score")))
        .append(" · accessed ").append(d.getInteger("access_count")).append(" times")
        .append(" · in search results ").append(d.getInteger("retrieval_count")).append(" times")
        .append(" · created ").append(d.getString("created_at")).append('\n');
    if (d.getValue("pagerank_score") != null || d.getValue("community_label") != null) {
      t.append("pagerank ").append(d.getValue("pagerank_score") == null ? "-"
              : ToolResults.decimal(d.getDouble("pagerank_score")))
          .append(" · community ").append(d.getString("community_label", "-")).append('\n');
    }
    int up = d.getInteger("feedback_positive_count", 0);
    int down = d.getInteger("feedback_negative_count", 0);
    if (up + down > 0) {
      t.append("feedback: ").append(up).append(" useful, ").append(down).append(" not useful\n");
    }
    list(t, "tags", d.getJsonArray("tags"));
    list(t, "concepts", d.getJsonArray("concepts"));
    list(t, "files", d.getJsonArray("source_files"));
    t.append('\n').append(ToolResults.cut(narrative, ToolResults.DETAIL_CONTENT_CHARS)).append('\n');

    JsonArray outgoing = d.getJsonArray("outgoing_relationships");
    JsonArray incoming = d.getJsonArray("incoming_relationships");
    JsonArray out = new JsonArray();
    JsonArray in = new JsonArray();
    if (!outgoing.isEmpty() || !incoming.isEmpty()) {
      t.append("\nRelationships (").append(outgoing.size()).append(" outgoing, ").append(incoming.size())
          .append(" incoming):\n");
    }
    int lines = 0;
    for (int i = 0; i < outgoing.size(); i++) {
      JsonObject r = outgoing.getJsonObject(i);
      if (lines++ < RELATIONSHIP_LINES) {
        out.add(edge(r, "target_memory_id"));
        t.append("→ ").append(edgeLine(r, "target_memory_id")).append('\n');
      }
    }
    for (int i = 0; i < incoming.size(); i++) {
      JsonObject r = incoming.getJsonObject(i);
      if (lines++ < RELATIONSHIP_LINES) {
        in.add(edge(r, "source_memory_id"));
        t.append("← ").append(edgeLine(r, "source_memory_id")).append('\n');
      }
    }
    boolean truncated = lines > RELATIONSHIP_LINES || narrative.length() > ToolResults.DETAIL_CONTENT_CHARS;
    if (lines > RELATIONSHIP_LINES) {
      t.append("(").append(lines - RELATIONSHIP_LINES)
          .append(" more relationships not shown; GET /api/v1/memories/{memory_id} lists them all)\n");
    }
    JsonArray similarItems = new JsonArray();
    if (includeRelated) {
      t.append(similar.isEmpty() ? "\nNo similar memories (none close enough, or not embedded yet).\n"
          : "\nSimilar memories:\n");
      int n = 1;
      for (SearchResult r : similar) {
        Memory m = r.memory();
        t.append(n++).append(". ").append(m.memoryId()).append(" · ").append(m.memoryType()).append(" · \"")
            .append(m.title()).append("\" · similarity ").append(ToolResults.decimal(r.score())).append('\n');
        similarItems.add(ToolResults.item(m, r.score(), false));
      }
    }

    JsonObject s = new JsonObject();
    for (String field : List.of("memory_id", "title", "memory_type")) {
      s.put(field, d.getValue(field));
    }
    s.put("narrative", ToolResults.cut(narrative, ToolResults.DETAIL_CONTENT_CHARS));
    if (narrative.length() > ToolResults.DETAIL_CONTENT_CHARS) {
      s.put("narrative_truncated", true);
    }
    for (String field : List.of("tags", "concepts", "source_files", "importance_score", "confidence_score",
        "pagerank_score", "community_label", "access_count", "retrieval_count", "feedback_positive_count",
        "feedback_negative_count", "created_at", "updated_at", "last_accessed_at")) {
      s.put(field, d.getValue(field));
    }
    s.put("outgoing_relationships", out).put("incoming_relationships", in)
        .put("relationship_count", outgoing.size() + incoming.size()).put("truncated", truncated);
    if (includeRelated) {
      s.put("related_memories", similarItems);
    }
    return ToolResults.of(t.toString().stripTrailing(), s);
  }

  private static void list(StringBuilder t, String label, JsonArray values) {
    if (values != null && !values.isEmpty()) {
      t.append(label).append(": ").append(String.join(", ", values.stream().map(String::valueOf).toList()))
          .append('\n');
    }
  }

  private static String edgeLine(JsonObject r, String other) {
    return r.getString("relationship_type") + " " + r.getString(other) + " (confidence "
        + ToolResults.decimal(r.getDouble("confidence")) + ", " + r.getString("discovery_method") + ")";
  }

  private static JsonObject edge(JsonObject r, String other) {
    return new JsonObject().put(other, r.getString(other)).put("relationship_type", r.getString("relationship_type"))
        .put("confidence", r.getDouble("confidence")).put("discovery_method", r.getString("discovery_method"));
  }
}
