package dev.mnemograph.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable jobs in PostgreSQL (the {@code job} table). Enqueued in the same transaction as the write that
 * causes them; claimed with {@code FOR UPDATE SKIP LOCKED} under a lease, so that concurrent workers never
 * take the same job and a job whose worker died is claimed again once its lease runs out.
 *
 * <p>{@code attempts} counts the runs that failed; a run that ended without a result (its worker was killed
 * or stopped) is not a failure and is counted in {@code interruptions}, with a bound of its own, so that
 * restarts never park a healthy job while a job that kills every worker that runs it is still parked.
 */
public final class JobQueue {
  private static final String ENQUEUE = """
      INSERT INTO job (workspace_id, kind, memory_id) VALUES ($1, $2, $3)
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  /**
   * The extraction of those of the sessions that are ended and have observations not extracted yet; one pending
   * per session, so that an end and the observations that follow it coalesce.
   */
  private static final String ENQUEUE_EXTRACTION = """
      INSERT INTO job (workspace_id, kind, session_id)
      SELECT workspace_id, 'extract_session', session_id FROM agent_session
      WHERE workspace_id = $1 AND session_id = ANY($2) AND ended_at IS NOT NULL
        AND observation_count > extracted_observations
      ON CONFLICT (kind, workspace_id, session_id) WHERE status = 'pending' AND session_id IS NOT NULL DO NOTHING""";

  /** The data-modifying CTE of {@link #enqueueFrom}. */
  private static final String ENQUEUE_FROM = """
      INSERT INTO job (workspace_id, kind, memory_id) SELECT workspace_id, '%s', memory_id FROM %s
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  private static final String ENQUEUE_ALL = """
      INSERT INTO job (workspace_id, kind, memory_id)
      SELECT workspace_id, $1, memory_id FROM unnest($2::text[], $3::text[]) AS t(workspace_id, memory_id)
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  /** A running job found past its lease was interrupted: counted, and taken again below the bound. */
  private static final String CLAIM = """
      UPDATE job SET status = 'running', locked_by = $1, lease_until = now() + make_interval(secs => $4),
                     interruptions = interruptions + CASE WHEN status = 'running' THEN 1 ELSE 0 END
      WHERE job_id IN (SELECT job_id FROM job
                       WHERE kind = $2
                         AND ((status = 'pending' AND run_at <= now())
                              OR (status = 'running' AND lease_until < now() AND interruptions + 1 < $5))
                       ORDER BY job_id
                       LIMIT $3
                       FOR UPDATE SKIP LOCKED)
      RETURNING\s""" + Job.COLUMNS;

  /** Completes the jobs and answers, for each, the seconds since its memory was last written (store or edit). */
  private static final String COMPLETE_AGED = """
      UPDATE job SET status = 'done', finished_at = now(), locked_by = NULL, lease_until = NULL, last_error = NULL
      WHERE locked_by = $1 AND job_id = ANY($2)
      RETURNING (SELECT extract(epoch FROM clock_timestamp() - coalesce(m.updated_at, m.created_at))::float8
                 FROM memory m WHERE m.workspace_id = job.workspace_id AND m.memory_id = job.memory_id)""";

  private static final String COMPLETE = """
      UPDATE job SET status = 'done', finished_at = now(), locked_by = NULL, lease_until = NULL, last_error = NULL
      WHERE locked_by = $1 AND job_id = ANY($2)""";

  /** Whether a pending job of the same kind and subject (memory or session) covers the job {@code alias} names. */
  private static String superseded(String alias) {
    return """
        EXISTS (SELECT 1 FROM job p WHERE p.kind = %1$s.kind AND p.status = 'pending'
                AND (p.memory_id = %1$s.memory_id
                     OR (p.workspace_id = %1$s.workspace_id AND p.session_id = %1$s.session_id)))"""
        .formatted(alias);
  }

  /**
   * A failed attempt, counted: parked as 'failed' at the last one; otherwise pending again after an
   * exponential backoff, unless a newer pending job for the same memory already supersedes it (then done).
   */
  private static final String FAIL = """
      UPDATE job SET
        attempts = attempts + 1,
        status = CASE WHEN attempts + 1 >= $3 THEN 'failed' WHEN %1$s THEN 'done' ELSE 'pending' END,
        run_at = now() + make_interval(secs => least($5, $4 * power(2, attempts))),
        finished_at = CASE WHEN attempts + 1 >= $3 OR %1$s THEN now() END,
        last_error = $6, locked_by = NULL, lease_until = NULL
      WHERE job_id = $1 AND locked_by = $2
      RETURNING status""".formatted(superseded("job"));

  /** Jobs whose workers died on every run up to the bound: parked rather than claimed forever. */
  private static final String PARK_ABANDONED = """
      UPDATE job SET status = 'failed', interruptions = interruptions + 1, finished_at = now(), locked_by = NULL,
                     lease_until = NULL,
                     last_error = coalesce(last_error, 'interrupted on every run (its worker died or lost the lease)')
      WHERE status = 'running' AND lease_until < now() AND interruptions + 1 >= $1""";

  /**
   * A live worker's claims: theirs for another lease, however long its batches take. Rows another statement
   * holds (a batch completing) are skipped rather than waited for: waiting deadlocked with the completion.
   */
  private static final String RENEW = """
      UPDATE job SET lease_until = now() + make_interval(secs => $2)
      WHERE job_id IN (SELECT job_id FROM job WHERE status = 'running' AND locked_by = $1
                       FOR UPDATE SKIP LOCKED)""";

  /** A stopping worker's claims that did not finish: pending again at once, nothing counted. */
  private static final String RELEASE = """
      UPDATE job SET status = 'pending', locked_by = NULL, lease_until = NULL
      WHERE locked_by = $1 AND status = 'running'""";

  /** Done jobs are kept for the retention, then forgotten; failed ones stay until retried. */
  private static final String PURGE_DONE =
      "DELETE FROM job WHERE status = 'done' AND finished_at < now() - make_interval(secs => $1)";

  private static final String LIST = """
      SELECT j.job_id, j.workspace_id, w.name, j.kind, coalesce(j.memory_id, 'session ' || j.session_id) AS subject,
             j.status, j.attempts, j.interruptions, j.created_at, j.finished_at, j.last_error
      FROM job j JOIN workspace w USING (workspace_id)
      WHERE (CASE WHEN $1 THEN j.status = 'failed' ELSE j.status IN ('pending', 'running', 'failed') END)
        AND ($2::text IS NULL OR j.workspace_id = $2 OR w.name = $2)
      ORDER BY j.job_id
      LIMIT $3""";

  /**
   * Failed jobs (one, or all) pending again from scratch. Of several failed jobs of one memory and kind only
   * the newest runs again, and none does when a pending one already covers it: those are marked done.
   */
  private static final String RETRY = """
      WITH chosen AS (
        SELECT f.job_id,
               row_number() OVER (PARTITION BY f.kind, f.workspace_id, f.memory_id, f.session_id
                                  ORDER BY f.job_id DESC) = 1
                 AND NOT %s AS runs
        FROM job f WHERE f.status = 'failed' AND ($1::bigint IS NULL OR f.job_id = $1))
      UPDATE job SET status = CASE WHEN c.runs THEN 'pending' ELSE 'done' END,
                     attempts = 0, interruptions = 0, run_at = now(),
                     finished_at = CASE WHEN c.runs THEN NULL ELSE now() END
      FROM chosen c WHERE job.job_id = c.job_id
      RETURNING job.status""".formatted(superseded("f"));

  private final Pool pool;
  private final JobSettings settings;

  public JobQueue(Pool pool, JobSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  /** Records a job on the given client: pass the write's transaction so that both commit or neither. */
  public static Future<Void> enqueue(SqlClient client, String workspaceId, JobKind kind, String memoryId) {
    return client.preparedQuery(ENQUEUE).execute(Tuple.of(workspaceId, kind.dbName(), memoryId)).mapEmpty();
  }

  /**
   * Queues the extraction of those of the sessions that are ended and have observations not extracted yet, on
   * the given client (the transaction of the write that causes it); answers how many were queued. A session
   * that is never ended is queued by the workers once it has been idle ({@code extraction.idle-seconds}).
   */
  public static Future<Integer> enqueueExtraction(SqlClient client, String workspaceId, List<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return client.preparedQuery(ENQUEUE_EXTRACTION)
        .execute(Tuple.of(workspaceId).addArrayOfString(sessionIds.toArray(String[]::new))).map(r -> r.rowCount());
  }

  /**
   * An INSERT that enqueues a job of the kind for every row of {@code source} (a CTE or table with
   * workspace_id and memory_id), to use as a data-modifying CTE: the write and its job in one statement, and
   * so in one transaction and one round trip.
   */
  public static String enqueueFrom(String source, JobKind kind) {
    return ENQUEUE_FROM.formatted(kind.dbName(), source);
  }

  /** Enqueues one job of the kind for each (workspace, memory) pair, in one statement on the given client. */
  public static Future<Void> enqueueAll(SqlClient client, JobKind kind, List<String> workspaceIds,
                                        List<String> memoryIds) {
    if (memoryIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(ENQUEUE_ALL)
        .execute(Tuple.of(kind.dbName()).addArrayOfString(workspaceIds.toArray(String[]::new))
            .addArrayOfString(memoryIds.toArray(String[]::new)))
        .mapEmpty();
  }

  public Future<List<Job>> claim(String workerId, JobKind kind, int limit) {
    return pool.preparedQuery(CLAIM).mapping(Job::of)
        .execute(Tuple.of(workerId, kind.dbName(), limit, seconds(settings.lease()), settings.maxInterruptions()))
        .map(rows -> {
          List<Job> out = new ArrayList<>(rows.size());
          rows.forEach(out::add);
          return out;
        });
  }

  /**
   * {@link #complete}, answering for each completed job the time since its memory's last store or edit
   * (none for a memory deleted since): the pipeline's latency as a user sees it.
   */
  public static Future<List<Duration>> completeAged(SqlClient client, List<Job> jobs, String workerId) {
    Long[] ids = jobs.stream().map(Job::jobId).toArray(Long[]::new);
    return client.preparedQuery(COMPLETE_AGED).execute(Tuple.of(workerId).addArrayOfLong(ids)).map(rows -> {
      List<Duration> out = new ArrayList<>(rows.size());
      rows.forEach(r -> {
        if (r.getDouble(0) != null) {
          out.add(Duration.ofNanos((long) (r.getDouble(0) * 1e9)));
        }
      });
      return out;
    });
  }

  public static Future<Void> complete(SqlClient client, List<Job> jobs, String workerId) {
    Long[] ids = jobs.stream().map(Job::jobId).toArray(Long[]::new);
    return client.preparedQuery(COMPLETE).execute(Tuple.of(workerId).addArrayOfLong(ids)).mapEmpty();
  }

  /** Answers the job's new status: pending (will retry), failed (parked) or done (superseded). */
  public Future<String> fail(Job job, String workerId, String error) {
    return pool.preparedQuery(FAIL)
        .execute(Tuple.of(job.jobId(), workerId, settings.maxAttempts(), seconds(settings.retryBase()),
            seconds(settings.retryMax()), error))
        .map(rows -> rows.size() == 0 ? "lost" : rows.iterator().next().getString(0));
  }

  /**
   * Extends the leases of the worker's running jobs; a worker calls it every third of a lease, so that only a
   * dead worker's jobs (SIGKILL, a lost host) run out and are claimed again, within one lease.
   */
  public Future<Integer> renew(String workerId) {
    return pool.preparedQuery(RENEW).execute(Tuple.of(workerId, seconds(settings.lease()))).map(r -> r.rowCount());
  }

  public Duration lease() {
    return settings.lease();
  }

  /** Hands back the worker's unfinished claims (graceful shutdown); answers how many. */
  public Future<Integer> release(String workerId) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(workerId)).map(r -> r.rowCount());
  }

  /**
   * Housekeeping: park jobs interrupted on every run up to the bound, forget done ones older than
   * {@code retention}. Answers how many were parked.
   */
  public Future<Integer> sweep(Duration retention) {
    return pool.preparedQuery(PARK_ABANDONED).execute(Tuple.of(settings.maxInterruptions()))
        .compose(parked -> pool.preparedQuery(PURGE_DONE).execute(Tuple.of(seconds(retention)))
            .map(parked.rowCount()));
  }

  /** Open and failed jobs (or failed only), oldest first, of one workspace (id or name) or all. */
  public Future<List<JobInfo>> list(boolean failedOnly, String workspace, int limit) {
    return pool.preparedQuery(LIST).mapping(JobInfo::of).execute(Tuple.of(failedOnly, workspace, limit))
        .map(rows -> {
          List<JobInfo> out = new ArrayList<>(rows.size());
          rows.forEach(out::add);
          return out;
        });
  }

  /**
   * Runs failed jobs again from scratch: the one with the id, or every failed job when {@code jobId} is null.
   * Answers how many are pending again and how many were superseded by a newer job of the same memory.
   */
  public Future<RetryResult> retry(Long jobId) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(jobId)).map(rows -> {
      int pending = 0;
      for (var row : rows) {
        pending += "pending".equals(row.getString(0)) ? 1 : 0;
      }
      return new RetryResult(pending, rows.rowCount() - pending);
    });
  }

  /** @param retried pending again; @param superseded marked done, a newer job of the same memory covering it */
  public record RetryResult(int retried, int superseded) {
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
