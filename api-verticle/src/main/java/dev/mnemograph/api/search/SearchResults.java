package dev.mnemograph.api.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The answer to a search, best first.
 *
 * @param semantic whether meaning took part in the ranking; false when it was not asked for or when no
 *                 worker could embed the query in time (then {@code notice} says so)
 */
public record SearchResults(List<SearchResult> results, boolean semantic, String notice) {

  public JsonObject toJson() {
    JsonArray items = new JsonArray();
    results.forEach(r -> items.add(r.toJson()));
    JsonObject out = new JsonObject().put("count", results.size()).put("results", items).put("semantic", semantic);
    if (notice != null) {
      out.put("notice", notice);
    }
    return out;
  }
}
