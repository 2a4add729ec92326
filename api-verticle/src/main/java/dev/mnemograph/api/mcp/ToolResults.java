package dev.mnemograph.api.mcp;

import dev.mnemograph.json.Timestamps;
import dev.mnemograph.memory.Memory;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool results sized for an agent's context window: one index-style line per memory with a short snippet,
 * full narratives only when asked for, and at most {@link #TEXT_BUDGET} characters of text per result, with
 * {@code truncated} and a note saying how to get the rest. Each result carries the same content twice, as
 * text for the model and as {@code structuredContent} for programs.
 */
final class ToolResults {
  /** Characters of text one result may hold (about 4,000 tokens). */
  static final int TEXT_BUDGET = 16_000;
  static final int SNIPPET_CHARS = 160;
  /** A narrative listed with include_content is cut here; memory_get_detail shows more. */
  static final int LISTED_CONTENT_CHARS = 4_000;
  /**
   * memory_get_detail's narrative is cut here (a narrative can be as long as a 256 KiB request), so that the
   * detail with its metadata and relationship lines stays near {@link #TEXT_BUDGET}.
   */
  static final int DETAIL_CONTENT_CHARS = 12_000;

  private ToolResults() {
  }

  static CallToolResult of(String text, JsonObject structured) {
    return CallToolResult.builder().addTextContent(text).structuredContent(plain(structured)).isError(false).build();
  }

  /** A failure the agent can read and act on; a tool error, not a protocol error. */
  static CallToolResult error(String text) {
    return CallToolResult.builder().addTextContent(text).isError(true).build();
  }

  /**
   * Numbered entries under the text budget. The first entry always fits (titles and listed narratives are
   * bounded well below the budget); the entries that do not fit are counted, not shown.
   */
  static final class Listing {
    private final StringBuilder text = new StringBuilder();
    private final JsonArray items = new JsonArray();
    private int left;

    Listing(String heading) {
      text.append(heading).append('\n');
    }

    void add(String block, JsonObject item) {
      if (left > 0 || (!items.isEmpty() && text.length() + block.length() > TEXT_BUDGET)) {
        left++;
        return;
      }
      text.append(items.size() + 1).append(". ").append(block).append('\n');
      items.add(item);
    }

    int shown() {
      return items.size();
    }

    /**
     * @param more what to do to see the entries that did not fit, e.g. "use offset=50"
     * @param extra further fields of the structured result (e.g. the query's flags)
     */
    CallToolResult build(String more, JsonObject extra) {
      JsonObject structured = extra.copy().put("count", items.size()).put("truncated", left > 0);
      if (left > 0) {
        String note = left + " more not shown: the output is capped at " + TEXT_BUDGET + " characters; " + more;
        text.append(note).append('\n');
        structured.put("not_shown", left).put("note", note);
      }
      structured.put("results", items);
      return of(text.toString().stripTrailing(), structured);
    }
  }

  /**
   * One memory as a listing entry: {@code mem-… · type · "title" · <measure> · tags: a, b · files: x}, then its
   * snippet, or its narrative (cut at {@link #LISTED_CONTENT_CHARS}) when {@code content} is true.
   *
   * @param measure why it is listed where it is, e.g. "score 0.82" or "created 2026-03-20"
   */
  static String block(Memory m, String measure, boolean content) {
    StringBuilder b = new StringBuilder()
        .append(m.memoryId()).append(" · ").append(m.memoryType()).append(" · \"").append(m.title()).append('"')
        .append(" · ").append(measure);
    if (!m.tags().isEmpty()) {
      b.append(" · tags: ").append(String.join(", ", m.tags()));
    }
    if (!m.sourceFiles().isEmpty()) {
      b.append(" · files: ").append(firstFew(m.sourceFiles(), 3));
    }
    String body = content ? cut(m.narrative(), LISTED_CONTENT_CHARS) : snippet(m.narrative());
    return b.append("\n   ").append(body.replace("\n", "\n   ")).toString();
  }

  static JsonObject item(Memory m, Double score, boolean content) {
    JsonObject o = new JsonObject().put("memory_id", m.memoryId()).put("memory_type", m.memoryType())
        .put("title", m.title());
    if (score != null) {
      o.put("score", round(score));
    }
    o.put("importance_score", round(m.importanceScore())).put("tags", new JsonArray(m.tags()))
        .put("source_files", new JsonArray(m.sourceFiles())).put("created_at", Timestamps.format(m.createdAt()));
    if (content) {
      o.put("narrative", cut(m.narrative(), LISTED_CONTENT_CHARS));
      if (m.narrative().length() > LISTED_CONTENT_CHARS) {
        o.put("narrative_truncated", true);
      }
    } else {
      o.put("snippet", snippet(m.narrative()));
    }
    return o;
  }

  /** The start of a narrative on one line, cut at a word near {@link #SNIPPET_CHARS}. */
  static String snippet(String narrative) {
    // only the start: a narrative may be 100,000 characters, and this runs on the event loop
    String flat = narrative.substring(0, Math.min(narrative.length(), 4 * SNIPPET_CHARS))
        .replaceAll("\\s+", " ").strip();
    if (flat.length() <= SNIPPET_CHARS) {
      return flat;
    }
    int cut = flat.lastIndexOf(' ', SNIPPET_CHARS);
    return flat.substring(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS) + "…";
  }

  /** The text itself up to {@code max} characters, and a marker saying how much was left out. */
  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    return text.substring(0, max) + "… [" + (text.length() - max) + " more characters]";
  }

  static String decimal(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  /** The creation date and minute, e.g. "2026-03-20 09:00 UTC". */
  static String day(Memory m) {
    String t = Timestamps.format(m.createdAt());
    return t.substring(0, 10) + " " + t.substring(11, 16) + " UTC";
  }

  static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  private static String firstFew(List<String> values, int n) {
    return values.size() <= n ? String.join(", ", values)
        : String.join(", ", values.subList(0, n)) + " (+" + (values.size() - n) + ")";
  }

  /**
   * Vert.x JSON as plain maps and lists: the SDK writes structured content with its own Jackson, which
   * knows nothing of JsonObject.
   */
  static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> out = new LinkedHashMap<>();
      o.forEach(e -> out.put(e.getKey(), plain(e.getValue())));
      return out;
    }
    if (value instanceof JsonArray a) {
      List<Object> out = new ArrayList<>(a.size());
      a.forEach(v -> out.add(plain(v)));
      return out;
    }
    return value;
  }
}
