package dev.mnemograph.api.memory;

/** A client's word on whether a memory helped (POST /memories/{id}/feedback, MCP memory_rate). */
public record Rating(String memoryId, boolean useful, String context, String sessionId) {
}
