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
 */
public final class JobQueue {
  private static final String ENQUEUE = """
      INSERT INTO job (workspace_id, kind, memory_id) VALUES ($1, $2, $3)
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  /** The data-modifying CTE of {@link #enqueueFrom}. */
  private static final String ENQUEUE_FROM = """
      INSERT INTO job (workspace_id, kind, memory_id) SELECT workspace_id, '%s', memory_id FROM %s
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  private static final String ENQUEUE_ALL = """
      INSERT INTO job (workspace_id, kind, memory_id)
      SELECT workspace_id, $1, memory_id FROM unnest($2::text[], $3::text[]) AS t(workspace_id, memory_id)
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  private static final String CLAIM = """
      UPDATE job SET status = 'running', attempts = attempts + 1, locked_by = $1,
                     lease_until = now() + make_interval(secs => $4)
      WHERE job_id IN (SELECT job_id FROM job
                       WHERE kind = $2
                         AND ((status = 'pending' AND run_at <= now())
                              OR (status = 'running' AND lease_until < now() AND attempts < $5))
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

  /**
   * A failed attempt: parked as 'failed' after the last attempt; otherwise pending again after an
   * exponential backoff, unless a newer pending job for the same memory already supersedes it.
   */
  private static final String FAIL = """
      UPDATE job SET
        status = CASE WHEN attempts >= $3 THEN 'failed'
                      WHEN EXISTS (SELECT 1 FROM job p WHERE p.kind = job.kind AND p.memory_id = job.memory_id
                                                         AND p.status = 'pending') THEN 'done'
                      ELSE 'pending' END,
        run_at = now() + make_interval(secs => least($5, $4 * power(2, attempts - 1))),
        finished_at = CASE WHEN attempts >= $3 THEN now() END,
        last_error = $6, locked_by = NULL, lease_until = NULL
      WHERE job_id = $1 AND locked_by = $2
      RETURNING status""";

  /** Jobs whose worker died on every attempt: parked rather than claimed forever. */
  private static final String PARK_ABANDONED = """
      UPDATE job SET status = 'failed', finished_at = now(), locked_by = NULL, lease_until = NULL,
                     last_error = coalesce(last_error, 'worker lost its lease on every attempt')
      WHERE status = 'running' AND lease_until < now() AND attempts >= $1""";

  /** A stopping worker's claims that did not finish: pending again at once, the attempt not counted. */
  private static final String RELEASE = """
      UPDATE job SET status = 'pending', attempts = greatest(0, attempts - 1), locked_by = NULL, lease_until = NULL
      WHERE locked_by = $1 AND status = 'running'""";

  private static final String PURGE_DONE =
      "DELETE FROM job WHERE status = 'done' AND finished_at < now() - make_interval(hours => $1)";

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
        .execute(Tuple.of(workerId, kind.dbName(), limit, seconds(settings.lease()), settings.maxAttempts()))
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

  /** Hands back the worker's unfinished claims (graceful shutdown); answers how many. */
  public Future<Integer> release(String workerId) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(workerId)).map(r -> r.rowCount());
  }

  /** Housekeeping: park jobs abandoned on every attempt, forget finished ones after a day. */
  public Future<Integer> sweep() {
    return pool.preparedQuery(PARK_ABANDONED).execute(Tuple.of(settings.maxAttempts()))
        .compose(parked -> pool.preparedQuery(PURGE_DONE).execute(Tuple.of(24)).map(parked.rowCount()));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
