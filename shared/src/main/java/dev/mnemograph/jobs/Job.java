package dev.mnemograph.jobs;

import io.vertx.sqlclient.Row;

/** A claimed job: the work is named by kind and memory; the rest is read fresh when it runs. */
public record Job(long jobId, String workspaceId, JobKind kind, String memoryId, int attempts) {
  static final String COLUMNS = "job_id, workspace_id, kind, memory_id, attempts";

  static Job of(Row r) {
    return new Job(r.getLong("job_id"), r.getString("workspace_id"), JobKind.of(r.getString("kind")),
        r.getString("memory_id"), r.getInteger("attempts"));
  }
}
