package dev.mnemograph.api.search;

import dev.mnemograph.memory.Memory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A memory as a search (or a related-memories query) found it: the reference page's SearchResult.
 *
 * @param keywordScore  0..1, null when words were not compared (semantic-only, related memories)
 * @param semanticScore 0..1, null when meaning was not compared (no embedding yet, or keyword-only)
 * @param explanation   how the score was made, only when asked for
 */
public record SearchResult(Memory memory, double score, Double keywordScore, Double semanticScore,
                           JsonObject explanation) {

  /** A related memory: its score is its cosine similarity to the source memory (below 0 counts as 0). */
  public static SearchResult similar(Memory memory, double similarity) {
    double score = Math.max(0, Math.min(1, similarity));
    return new SearchResult(memory, score, null, score, null);
  }

  public JsonObject toJson() {
    // the memory's id, title, type and tags also beside it: Neuroloom's SDLC hook reads results[0].tags
    JsonObject out = new JsonObject()
        .put("memory", memory.toJson())
        .put("memory_id", memory.memoryId())
        .put("title", memory.title())
        .put("memory_type", memory.memoryType())
        .put("tags", new JsonArray(memory.tags()))
        .put("score", score)
        .put("keyword_score", keywordScore)
        .put("semantic_score", semanticScore);
    if (explanation != null) {
      out.put("explanation", explanation);
    }
    return out;
  }
}
