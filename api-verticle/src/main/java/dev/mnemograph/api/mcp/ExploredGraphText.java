package dev.mnemograph.api.mcp;

import dev.mnemograph.api.graph.GraphEdge;
import dev.mnemograph.api.graph.GraphNode;
import dev.mnemograph.api.graph.Subgraph;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/**
 * The text and structure of memory_explore: one line per memory (seeds marked *), then one per
 * relationship, within the text budget; what does not fit is counted, and left out of both.
 */
final class ExploredGraphText {
  private ExploredGraphText() {
  }

  static CallToolResult render(String query, Subgraph g) {
    if (g.nodes().isEmpty()) {
      return ToolResults.of("No memories match \"" + query + "\", so there is nothing to explore from. Try other "
          + "words, or memory_get_index.", new JsonObject().put("query", query).put("nodes", new JsonArray())
          .put("edges", new JsonArray()).put("seed_memories", new JsonArray()).put("truncated", false));
    }
    Set<String> seeds = new HashSet<>(g.seedMemories());
    StringBuilder t = new StringBuilder().append(g.nodes().size()).append(" memories around \"").append(query)
        .append("\" (").append(g.seedMemories().size()).append(" search hits marked *, then what they connect "
            + "to, strongest first; ").append(g.edges().size()).append(" relationships among them):\n");
    JsonArray nodes = new JsonArray();
    JsonArray edges = new JsonArray();
    int left = 0;
    for (GraphNode n : g.nodes()) {
      String line = (seeds.contains(n.memoryId()) ? "* " : "  ") + n.memoryId() + " · " + n.memoryType() + " · \""
          + n.title() + "\" · importance " + ToolResults.decimal(n.importanceScore())
          + (n.pagerankScore() == null ? "" : " · pagerank " + ToolResults.decimal(n.pagerankScore()))
          + (n.communityLabel() == null ? "" : " · community " + n.communityLabel()) + "\n";
      if (t.length() + line.length() > ToolResults.TEXT_BUDGET) {
        left++;
      } else {
        t.append(line);
        nodes.add(n.toJson());
      }
    }
    Set<String> shown = new HashSet<>();
    nodes.forEach(n -> shown.add(((JsonObject) n).getString("memory_id")));
    if (!g.edges().isEmpty()) {
      t.append("\nRelationships:\n");
    }
    for (GraphEdge e : g.edges()) {
      String line = e.sourceMemoryId() + " —" + e.relationshipType() + " " + ToolResults.decimal(e.confidence())
          + "→ " + e.targetMemoryId() + "\n";
      if (!shown.contains(e.sourceMemoryId()) || !shown.contains(e.targetMemoryId())
          || t.length() + line.length() > ToolResults.TEXT_BUDGET) {
        left++;
      } else {
        t.append(line);
        edges.add(e.toJson());
      }
    }
    JsonObject s = new JsonObject().put("query", query).put("nodes", nodes).put("edges", edges)
        .put("seed_memories", new JsonArray(g.seedMemories())).put("truncated", left > 0);
    if (left > 0) {
      String note = left + " more memories and relationships not shown: the output is capped at "
          + ToolResults.TEXT_BUDGET + " characters; lower max_nodes, or raise min_edge_confidence.";
      t.append(note).append('\n');
      s.put("not_shown", left).put("note", note);
    }
    return ToolResults.of(t.toString().stripTrailing(), s);
  }
}
