package dev.mnemograph.cli;

import dev.mnemograph.jobs.JobInfo;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.json.Timestamps;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code job list|retry}: the background job queue, to see what failed and run it again. */
@Command(name = "job", description = "Inspect and retry background jobs.",
    subcommands = {JobCommand.ListJobs.class, JobCommand.Retry.class})
public final class JobCommand {
  /** A failed job's error is cut to this in a listing. */
  private static final int ERROR_CHARS = 120;

  @Command(name = "list", description = "List pending, running and failed jobs, oldest first.")
  static final class ListJobs implements Callable<Integer> {
    @Option(names = "--failed", description = "Only the failed ones (parked after their last attempt).")
    boolean failed;

    @Option(names = "--workspace", paramLabel = "WORKSPACE", description = "Only this workspace's (id or name).")
    String workspace;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      List<JobInfo> jobs = AdminDatabase.jobs(queue -> queue.list(failed, workspace, limit).await());
      System.out.printf("%-8s %-17s %-22s %-20s %-8s %-8s %-11s %-24s %s%n", "ID", "WORKSPACE", "KIND", "SUBJECT",
          "STATUS", "ATTEMPTS", "INTERRUPTED", "CREATED", "LAST ERROR");
      for (JobInfo j : jobs) {
        String error = j.lastError() == null ? "" : j.lastError().length() <= ERROR_CHARS ? j.lastError()
            : j.lastError().substring(0, ERROR_CHARS) + "…";
        System.out.printf("%-8d %-17s %-22s %-20s %-8s %-8d %-11d %-24s %s%n", j.jobId(), j.workspaceId(), j.kind(),
            j.subject(), j.status(), j.attempts(), j.interruptions(), Timestamps.format(j.createdAt()), error);
      }
      if (jobs.size() == limit) {
        System.out.printf("(the first %d; --limit shows more)%n", limit);
      }
      return 0;
    }
  }

  @Command(name = "retry", description = "Run failed jobs again from scratch (attempts reset to 0).")
  static final class Retry implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
      @Parameters(paramLabel = "ID", description = "A failed job's id, as 'job list --failed' shows it.")
      Long jobId;

      @Option(names = "--all-failed", required = true, description = "Every failed job.")
      boolean allFailed;
    }

    @Override
    public Integer call() {
      JobQueue.RetryResult result = AdminDatabase.jobs(queue ->
          queue.retry(which.allFailed ? null : which.jobId).await());
      if (result.retried() + result.superseded() == 0) {
        System.err.println(which.allFailed ? "No failed jobs." : "No failed job with id " + which.jobId + ".");
        return 1;
      }
      System.out.printf("%d job(s) pending again; workers take them within seconds.%n", result.retried());
      if (result.superseded() > 0) {
        System.out.printf("%d job(s) marked done: a newer job of the same memory covers them.%n", result.superseded());
      }
      return 0;
    }
  }
}
