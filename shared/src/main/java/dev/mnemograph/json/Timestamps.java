package dev.mnemograph.json;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How every answer, REST or MCP, and every CLI listing writes a point in time. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  /**
   * UTC, ISO-8601, with a Z and always six fraction digits ({@code 2026-03-20T09:00:00.120000Z}): fixed
   * width, so timestamps sort as strings (ISO_INSTANT drops trailing zeros, and "…00.12Z" sorted after
   * "…00.123Z"). Null for null.
   */
  public static String format(OffsetDateTime t) {
    return t == null ? null : FORMAT.format(t);
  }
}
