package dev.mnemograph.api.observations;

import java.time.OffsetDateTime;

/** One observation of a batch that passed its checks, ready to store. */
record NewObservation(String observationId, String sessionId, OffsetDateTime observedAt, String category,
                      String content, String agentId, String agentType) {
}
