package dev.mnemograph.workspace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * API keys: {@code mnemo_} + 40 characters of [a-z0-9] (206 random bits). The fixed prefix lets secret
 * scanners recognise a leaked key; only the SHA-256 of a key is ever stored.
 */
public final class ApiKeys {
  public static final String PREFIX = "mnemo_";
  static final int RANDOM_CHARS = 40;
  /** How much of a key listings show: the prefix and 8 characters. */
  static final int DISPLAY_CHARS = PREFIX.length() + 8;

  private ApiKeys() {
  }

  public static String newKey() {
    return PREFIX + Ids.random(RANDOM_CHARS);
  }

  public static String displayPrefix(String key) {
    return key.substring(0, Math.min(DISPLAY_CHARS, key.length()));
  }

  /** Every request hashes its key (the key cache is keyed by the hash): one digest per thread, not per call. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  public static String hash(String key) {
    return HexFormat.of().formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }
}
