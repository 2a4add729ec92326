package dev.mnemograph.api.sessions;

import io.vertx.core.json.JsonObject;

/** POST /sessions/start: the client's id for the session and what it says about it ({@code metadata} never null). */
public record SessionStart(String sessionId, String projectName, String branchName, String userId,
                           JsonObject metadata) {
}
