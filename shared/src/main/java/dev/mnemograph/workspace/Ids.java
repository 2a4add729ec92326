package dev.mnemograph.workspace;

import java.security.SecureRandom;

/** Public identifiers: a prefix and characters of [a-z0-9] from a secure random source. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Ids() {
  }

  /** {@code mem-} + 16 characters (82 bits). */
  public static String memoryId() {
    return "mem-" + random(16);
  }

  /** {@code ws-} + 12 characters. */
  public static String workspaceId() {
    return "ws-" + random(12);
  }

  static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
