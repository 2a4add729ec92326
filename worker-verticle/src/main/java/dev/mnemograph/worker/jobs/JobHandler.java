package dev.mnemograph.worker.jobs;

import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import io.vertx.core.Future;

import java.util.List;

/**
 * Runs claimed jobs of one kind. It writes its results and completes the jobs
 * ({@link JobQueue#complete}) in one transaction, so that a job done twice leaves the same state as once.
 */
public interface JobHandler {
  JobKind kind();

  /** How many jobs one claim takes. */
  int claimLimit();

  /** Whether all claimed jobs run as one batch (else one job at a time). */
  boolean batched();

  /**
   * How many claims of this kind may be under way at once. Two lets a batch be claimed and read while the
   * previous one is in the model, so that the model never waits for the database.
   */
  default int lanes() {
    return 1;
  }

  /**
   * A kind whose backlog this one waits out, or null. While that kind's last claim came back full, this
   * kind claims nothing: both need the same database, and the other kind's work is the scarcer.
   */
  default JobKind waitsForBacklogOf() {
    return null;
  }

  Future<Void> run(List<Job> jobs, String workerId);
}
