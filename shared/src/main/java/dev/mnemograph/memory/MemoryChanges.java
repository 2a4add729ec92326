package dev.mnemograph.memory;

import java.util.List;

/** A partial update: a null field stays as it is; a list replaces the old one whole. */
public record MemoryChanges(
    String title,
    String narrative,
    String memoryType,
    List<String> tags,
    List<String> concepts,
    List<String> sourceFiles,
    Double importanceScore,
    Double confidenceScore) {

  /** Whether the change touches the text the embedding is made from (see EmbeddingText). */
  public boolean changesEmbeddedText() {
    return title != null || narrative != null || tags != null || concepts != null;
  }
}
