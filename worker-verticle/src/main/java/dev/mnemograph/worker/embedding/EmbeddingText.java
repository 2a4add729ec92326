package dev.mnemograph.worker.embedding;

import java.util.List;

/**
 * What of a memory is embedded: its title, then its narrative, then its concepts and tags as short
 * labelled lines. The title comes first so that it survives the model's length limit (512 word-pieces for
 * the default model); source files are left out: paths carry little meaning, and file overlap is its
 * own relationship.
 */
public final class EmbeddingText {
  private EmbeddingText() {
  }

  public static String of(String title, String narrative, List<String> concepts, List<String> tags) {
    StringBuilder text = new StringBuilder(title.strip()).append("\n\n").append(narrative.strip());
    if (!concepts.isEmpty()) {
      text.append("\n\nConcepts: ").append(String.join(", ", concepts));
    }
    if (!tags.isEmpty()) {
      text.append("\nTags: ").append(String.join(", ", tags));
    }
    return text.toString();
  }
}
