package dev.mnemograph.jobs;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/** A job as {@code job list} shows it; its subject is a memory id or "session <id>". */
public record JobInfo(long jobId, String workspaceId, String workspaceName, String kind, String subject,
                      String status, int attempts, int interruptions, OffsetDateTime createdAt,
                      OffsetDateTime finishedAt, String lastError) {
  static JobInfo of(Row r) {
    return new JobInfo(r.getLong("job_id"), r.getString("workspace_id"), r.getString("name"), r.getString("kind"),
        r.getString("subject"), r.getString("status"), r.getInteger("attempts"), r.getInteger("interruptions"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("finished_at"), r.getString("last_error"));
  }
}
