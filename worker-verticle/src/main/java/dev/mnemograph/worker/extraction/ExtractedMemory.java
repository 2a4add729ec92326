package dev.mnemograph.worker.extraction;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A memory an extraction makes of a session. {@code key} names it across runs of the same session ("session",
 * "exchange:3", "incident:mvn test"), so that a run after more observations arrived changes it in place.
 */
public record ExtractedMemory(String key, String title, String narrative, String memoryType, List<String> tags,
                              List<String> sourceFiles, double importance) {
  /** What a run compares to know whether the memory changed since the last one. */
  public String contentHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : List.of(title, narrative, memoryType, String.join("\n", tags), String.join("\n", sourceFiles))) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
