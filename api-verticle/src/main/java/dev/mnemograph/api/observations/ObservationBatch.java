package dev.mnemograph.api.observations;

import dev.mnemograph.secrets.SecretRedactor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A batch of observations checked item by item, as a client that replays its buffer needs: a bad item is
 * reported with why and the others are kept (a batch refused whole would be sent again, whole, for ever).
 * Contents past {@value #MAX_CONTENT} characters are cut with a marker that says how much was left out; NUL
 * characters, which PostgreSQL's text cannot hold, become U+FFFD; known secrets become {@code [REDACTED:<kind>]}
 * ({@link SecretRedactor}), counted per observation. A content is redacted a little past the cut, so that a
 * secret across it is not kept in part.
 */
record ObservationBatch(List<NewObservation> valid, List<JsonObject> rejected, int duplicatesInBatch,
                        int truncated) {
  static final int MAX_CONTENT = 200_000;
  static final int MAX_ID = 200;
  static final int MAX_CATEGORY = 100;
  static final int MAX_AGENT = 100;
  /** How far past the cut a content is redacted: longer than any secret a rule finds whole. */
  static final int REDACTION_MARGIN = 16_384;

  static ObservationBatch check(JsonArray items) {
    List<NewObservation> valid = new ArrayList<>(items.size());
    List<JsonObject> rejected = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    int truncated = 0;
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      JsonObject o = item instanceof JsonObject j ? j : null;
      try {
        if (o == null) {
          throw new IllegalArgumentException("an observation is a JSON object");
        }
        String id = id(o, "observation_id");
        String sessionId = id(o, "session_id");
        OffsetDateTime observedAt = time(o, "observed_at");
        String category = text(o, "category", MAX_CATEGORY, true);
        String content = content(o);
        String agentId = text(o, "agent_id", MAX_AGENT, false);
        String agentType = text(o, "agent_type", MAX_AGENT, false);
        if (!seen.add(id)) {
          duplicates++;
          continue;
        }
        int length = content.length();
        SecretRedactor.Redacted redacted = SecretRedactor.redact(length > MAX_CONTENT + REDACTION_MARGIN
            ? content.substring(0, MAX_CONTENT + REDACTION_MARGIN) : content);
        content = redacted.text();
        if (length > MAX_CONTENT) {
          truncated++;
          content = cut(content, length);
        }
        valid.add(new NewObservation(id, sessionId, observedAt, category, content, agentId, agentType,
            redacted.counts()));
      } catch (IllegalArgumentException bad) {
        Object id = o == null ? null : o.getValue("observation_id");
        rejected.add(new JsonObject().put("index", i).put("observation_id", id instanceof String s ? s : null)
            .put("detail", bad.getMessage()));
      }
    }
    return new ObservationBatch(valid, rejected, duplicates, truncated);
  }

  /** The secrets taken out of the batch's observations, per kind. */
  JsonObject redacted() {
    Map<String, Object> sum = new TreeMap<>();
    valid.forEach(o -> o.redacted().forEach((kind, n) -> sum.merge(kind, n, (a, b) -> (Integer) a + (Integer) b)));
    return new JsonObject(sum);
  }

  private static String id(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(field + " is required: a non-empty string");
    }
    if (s.length() > MAX_ID || s.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_ID + " characters, none a control character");
    }
    return s;
  }

  private static OffsetDateTime time(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(field + " is required: an ISO-8601 time with an offset, e.g. "
          + "2026-12-04T14:26:45.877873+00:00");
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(s);
      if (t.getYear() < 1 || t.getYear() > 9999) {
        throw new IllegalArgumentException(field + " must be a time between the years 1 and 9999, got '" + s + "'");
      }
      return t;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + " must be an ISO-8601 time with an offset, e.g. "
          + "2026-12-04T14:26:45.877873+00:00 or 2026-12-04T14:26:45Z; got '" + abbreviate(s) + "'");
    }
  }

  private static String text(JsonObject o, String field, int max, boolean required) {
    Object v = o.getValue(field);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s) || (required && s.isBlank())) {
      throw new IllegalArgumentException(field + (required ? " is required: a non-empty string" : " must be a string"));
    }
    if (s.length() > max) {
      throw new IllegalArgumentException(field + " must be at most " + max + " characters, got " + s.length());
    }
    return s.replace('\0', '\uFFFD');
  }

  private static String content(JsonObject o) {
    Object v = o.getValue("content");
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("content is required: a string (the hook's payload)");
    }
    return s.replace('\0', '\uFFFD');
  }

  /**
   * The first {@value #MAX_CONTENT} characters (not splitting a surrogate pair) and how many of the
   * {@code length} the client sent were left out.
   */
  static String cut(String content, int length) {
    int end = Math.min(MAX_CONTENT, content.length());
    if (Character.isHighSurrogate(content.charAt(end - 1))) {
      end--;
    }
    return content.substring(0, end) + "\n[… " + (length - end) + " more characters cut by Mnemograph]";
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}
