package dev.mnemograph.api.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A path through the relationship graph: memories from source to target, and the relationship between each
 * two neighbours ({@code edges.get(i)} joins {@code path.get(i)} and {@code path.get(i + 1)}, as stored).
 *
 * @param truncated whether a bound of the search cut it short, so that a shorter path, or any, may be missed
 */
public record MemoryPath(List<String> path, List<GraphEdge> edges, boolean truncated) {

  public MemoryPath {
    path = List.copyOf(path);
    edges = List.copyOf(edges);
    if (!path.isEmpty() && edges.size() != path.size() - 1) {
      throw new IllegalArgumentException(path.size() + " memories need " + (path.size() - 1) + " edges, got "
          + edges.size());
    }
  }

  /** No path (within the depth, or within the bounds when {@code truncated}). */
  static MemoryPath none(boolean truncated) {
    return new MemoryPath(List.of(), List.of(), truncated);
  }

  public int depth() {
    return edges.size();
  }

  /** The reference page's answer; {@code truncated} only when true, so that a full answer is exactly that. */
  public JsonObject toJson() {
    JsonArray e = new JsonArray();
    edges.forEach(edge -> e.add(edge.toJson()));
    JsonObject out = new JsonObject().put("path", new JsonArray(path)).put("edges", e).put("depth", depth());
    if (truncated) {
      out.put("truncated", true);
    }
    return out;
  }
}
