package dev.mnemograph.api.mcp;

import dev.mnemograph.api.graph.ExploreQuery;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** schema/mcp-tools.yaml as the SDK serves it: every tool complete, and the bounds the handlers check. */
class ToolDefinitionsTest {

  @Test
  void every_tool_has_a_title_a_description_a_closed_schema_and_annotations() {
    List<Tool> tools = ToolDefinitions.load(McpJsonDefaults.getMapper());

    assertEquals(9, tools.size());
    for (Tool tool : tools) {
      assertFalse(tool.title() == null || tool.title().isBlank(), tool.name());
      assertFalse(tool.description() == null || tool.description().isBlank(), tool.name());
      assertEquals("object", tool.inputSchema().get("type"), tool.name());
      assertEquals(false, tool.inputSchema().get("additionalProperties"), tool.name());
      assertNotNull(tool.annotations(), tool.name());
      assertNotNull(tool.annotations().readOnlyHint(), tool.name());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void memory_explore_offers_the_bounds_the_graph_query_takes() {
    Map<String, Object> explore = ToolDefinitions.raw().stream()
        .filter(t -> MemoryTools.EXPLORE.equals(t.get("name"))).findFirst().orElseThrow();
    Map<String, Map<String, Object>> properties =
        (Map<String, Map<String, Object>>) ((Map<String, Object>) explore.get("inputSchema")).get("properties");

    assertEquals(ExploreQuery.MAX_NODES, properties.get("max_nodes").get("maximum"));
    assertEquals(ExploreQuery.DEFAULT_MAX_NODES, properties.get("max_nodes").get("default"));
    assertEquals(ExploreQuery.MAX_SEED_LIMIT, properties.get("seed_limit").get("maximum"));
    assertEquals(ExploreQuery.DEFAULT_SEED_LIMIT, properties.get("seed_limit").get("default"));
  }
}
