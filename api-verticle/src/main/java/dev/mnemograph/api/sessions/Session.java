package dev.mnemograph.api.sessions;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.Objects;

/** A coding agent's session, as GET /sessions/{id} shows it ({@code metadata} answered as metadata_json). */
public record Session(String sessionId, String workspaceId, String projectName, String branchName, String userId,
                      JsonObject metadata, boolean implicit, OffsetDateTime startedAt, OffsetDateTime endedAt,
                      int observationCount, OffsetDateTime lastObservationAt, JsonObject redactedSecrets) {

  /** With the secrets redacted from the session's observations, per kind (of the table's own columns). */
  static final String COLUMNS = """
      session_id, workspace_id, project_name, branch_name, user_id, metadata, implicit, started_at, ended_at,
      observation_count, last_observation_at,
      (SELECT coalesce(jsonb_object_agg(kind, n), '{}') FROM (
         SELECT e.key AS kind, sum(e.value::int) AS n
         FROM observation o, jsonb_each_text(o.redacted) e
         WHERE o.workspace_id = agent_session.workspace_id AND o.session_id = agent_session.session_id
           AND o.redacted IS NOT NULL
         GROUP BY e.key) r) AS redacted_secrets""";

  static Session of(Row r) {
    return new Session(r.getString("session_id"), r.getString("workspace_id"), r.getString("project_name"),
        r.getString("branch_name"), r.getString("user_id"),
        json(r.getValue("metadata")), r.getBoolean("implicit"),
        r.getOffsetDateTime("started_at"), r.getOffsetDateTime("ended_at"), r.getInteger("observation_count"),
        r.getOffsetDateTime("last_observation_at"), json(r.getValue("redacted_secrets")));
  }

  private static JsonObject json(Object jsonb) {
    return jsonb instanceof JsonObject o ? o : new JsonObject(String.valueOf(jsonb));
  }

  /** Whether a start with these fields is the one that made this session (a retry of it). */
  boolean startedAs(SessionStart start) {
    return Objects.equals(projectName, start.projectName()) && Objects.equals(branchName, start.branchName())
        && Objects.equals(userId, start.userId())
        && metadata.equals(start.metadata());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("session_id", sessionId)
        .put("workspace_id", workspaceId)
        .put("project_name", projectName)
        .put("branch_name", branchName)
        .put("user_id", userId)
        .put("metadata_json", metadata)
        .put("started_at", Timestamps.format(startedAt))
        .put("ended_at", Timestamps.format(endedAt))
        .put("observation_count", observationCount)
        .put("last_observation_at", Timestamps.format(lastObservationAt))
        .put("redacted_secrets", redactedSecrets);
  }
}
