package dev.mnemograph.jobs;

import io.vertx.sqlclient.Row;

/**
 * A claimed job: the work is named by kind and memory (or session, for {@link JobKind#EXTRACT_SESSION}); the rest
 * is read fresh when it runs.
 */
public record Job(long jobId, String workspaceId, JobKind kind, String memoryId, String sessionId, int attempts) {
  static final String COLUMNS = "job_id, workspace_id, kind, memory_id, session_id, attempts";

  /** The memory or the session the job is about, for logs. */
  public String subject() {
    return memoryId != null ? memoryId : "session " + sessionId;
  }

  static Job of(Row r) {
    return new Job(r.getLong("job_id"), r.getString("workspace_id"), JobKind.of(r.getString("kind")),
        r.getString("memory_id"), r.getString("session_id"), r.getInteger("attempts"));
  }
}
