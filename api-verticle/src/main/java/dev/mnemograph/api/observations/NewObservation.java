package dev.mnemograph.api.observations;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One observation of a batch that passed its checks, ready to store: its content redacted, and
 * {@code redacted} how many secrets of each kind were taken out of it (empty when none).
 */
record NewObservation(String observationId, String sessionId, OffsetDateTime observedAt, String category,
                      String content, String agentId, String agentType, Map<String, Integer> redacted) {
  /** {@link #redacted} as the observation row keeps it: a JSON object, or null when nothing was. */
  String redactedJson() {
    return redacted.isEmpty() ? null : new JsonObject(Map.copyOf(redacted)).encode();
  }
}
