package dev.mnemograph.api.mcp;

import dev.mnemograph.memory.Memory;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an agent's context receives: snippets, cut narratives and a listing that stops at its budget. */
class ToolResultsTest {

  private static Memory memory(String title, String narrative) {
    return new Memory(UUID.randomUUID(), "mem-0123456789abcdef", "ws-0123456789ab", title, narrative, "pattern",
        List.of("a", "b"), List.of(), List.of("src/App.java"), 0.5, 0.5, null, null, 0, 0, null, null, false, null, 0, 0,
        OffsetDateTime.parse("2026-03-20T09:00:00Z"), null);
  }

  private static String text(McpSchema.CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void a_snippet_is_one_line_cut_at_a_word_and_marked() {
    String snippet = ToolResults.snippet("First line\n\nthen " + "word ".repeat(100));

    assertTrue(snippet.startsWith("First line then word"));
    assertTrue(snippet.endsWith("word…"), snippet);
    assertTrue(snippet.length() <= ToolResults.SNIPPET_CHARS + 1);
    assertEquals("Short text.", ToolResults.snippet("  Short\ttext. "));
  }

  @Test
  void a_listing_stops_at_the_budget_counts_the_rest_and_says_how_to_get_them() {
    ToolResults.Listing listing = new ToolResults.Listing("Heading:");
    for (int i = 0; i < 100; i++) {
      Memory m = memory("Title " + i, "x".repeat(3_000));
      listing.add(ToolResults.block(m, "score 0.50", true), ToolResults.item(m, 0.5, true));
    }

    McpSchema.CallToolResult result = listing.build("use offset=5.", new JsonObject().put("query", "q"));
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = (Map<String, Object>) result.structuredContent();

    assertFalse(result.isError());
    assertTrue(text(result).length() <= ToolResults.TEXT_BUDGET + 200, "length " + text(result).length());
    assertEquals(true, structured.get("truncated"));
    int shown = (Integer) structured.get("count");
    assertEquals(100 - shown, structured.get("not_shown"));
    assertEquals(shown, ((List<?>) structured.get("results")).size());
    assertEquals("q", structured.get("query"));
    assertTrue(text(result).endsWith("use offset=5."), text(result));
  }

  @Test
  void a_listed_narrative_is_cut_and_flagged_while_a_short_one_is_whole() {
    JsonObject longOne = ToolResults.item(memory("Long", "y".repeat(ToolResults.LISTED_CONTENT_CHARS + 10)), null,
        true);
    JsonObject shortOne = ToolResults.item(memory("Short", "Whole."), null, true);

    assertTrue(longOne.getString("narrative").endsWith("… [10 more characters]"));
    assertTrue(longOne.getBoolean("narrative_truncated"));
    assertEquals("Whole.", shortOne.getString("narrative"));
    assertFalse(shortOne.containsKey("narrative_truncated"));
  }

  @Test
  void structured_content_is_plain_maps_and_lists_for_the_sdks_jackson() {
    Object plain = ToolResults.plain(new JsonObject().put("a", new JsonArray().add(new JsonObject().put("b", 1)))
        .putNull("c"));

    assertEquals(Map.of("a", List.of(Map.of("b", 1))), Map.of("a", ((Map<?, ?>) plain).get("a")));
    assertTrue(((Map<?, ?>) plain).containsKey("c"));
  }
}
