package dev.mnemograph.worker.housekeeping;

import dev.mnemograph.db.PlannerStatistics;
import dev.mnemograph.idempotency.IdempotentWrites;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's periodic chores, each on a timer of its own: renewing the leases of the jobs it has claimed (every
 * third of a lease), the queue and workspace samples of {@link WorkerMetrics}, the planner statistics of the
 * tables that grow fastest ({@link PlannerStatistics}) and, every minute, the job sweep (jobs interrupted on
 * every run parked, done ones past {@code jobs.retention-days} deleted) followed by the purge of old
 * idempotency keys. A chore that fails is logged and runs again at its next tick.
 *
 * <p>Threading: the timers fire on the event loop that called {@link #start()} (its verticle's); every chore is
 * non-blocking SQL.
 */
public final class Housekeeping {
  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final Pool pool;
  private final JobQueue queue;
  private final String workerId;
  private final Duration jobRetention;
  private final WorkerMetrics metrics;
  private final List<Long> timers = new ArrayList<>();

  /**
   * @param workerId     whose claimed jobs' leases are renewed
   * @param jobRetention how long done jobs are kept
   */
  public Housekeeping(Vertx vertx, Pool pool, JobQueue queue, String workerId, Duration jobRetention,
                      WorkerMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.queue = queue;
    this.workerId = workerId;
    this.jobRetention = jobRetention;
    this.metrics = metrics;
  }

  public void start() {
    long renewEvery = Math.max(1, queue.lease().toMillis() / 3);
    every(renewEvery, renewEvery, this::renewLeases);
    every(1, WorkerMetrics.QUEUE_INTERVAL.toMillis(), this::sampleQueue);
    every(1, WorkerMetrics.WORKSPACE_INTERVAL.toMillis(), this::sampleWorkspaces);
    long analyseEvery = PlannerStatistics.INTERVAL.toMillis();
    every(analyseEvery, analyseEvery, this::refreshPlannerStatistics);
    every(SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(), this::sweep);
  }

  /** Cancels the timers; a chore under way finishes on its own. */
  public void stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void every(long initialDelay, long interval, Runnable chore) {
    timers.add(vertx.setPeriodic(initialDelay, interval, id -> chore.run()));
  }

  private void renewLeases() {
    queue.renew(workerId).onFailure(e -> LOG.warn("Renewing the job leases failed: {}", e.toString()));
  }

  private void sampleQueue() {
    metrics.sampleQueue(pool).onFailure(e -> LOG.debug("Queue sample failed: {}", e.toString()));
  }

  private void sampleWorkspaces() {
    metrics.sampleWorkspaces(pool).onFailure(e -> LOG.debug("Workspace sample failed: {}", e.toString()));
  }

  private void refreshPlannerStatistics() {
    PlannerStatistics.refresh(pool)
        .onSuccess(analysed -> {
          if (!analysed.isEmpty()) {
            LOG.debug("Analysed {}", analysed);
          }
        })
        .onFailure(e -> LOG.debug("Refreshing planner statistics failed: {}", e.toString()));
  }

  private void sweep() {
    queue.sweep(jobRetention)
        .onSuccess(parked -> {
          if (parked > 0) {
            LOG.warn("Parked {} job(s) interrupted on every run (their workers died)", parked);
          }
        })
        .compose(parked -> IdempotentWrites.purge(pool))
        .onFailure(e -> LOG.warn("Job sweep failed: {}", e.toString()));
  }
}
