package dev.mnemograph.worker.jobs;

import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claims jobs from the queue and runs them until none are due. Each kind has its own lanes, so that one
 * kind's backlog never holds back another (embedding and relationship discovery proceed side by side).
 * {@link #wake()} is cheap and may be called at any time; an idle lane starts claiming. Runs on one event
 * loop (its verticle's), so its state needs no locks; the blocking part of a job is the handler's business.
 */
public final class JobWorker {
  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  private final JobQueue queue;
  private final String workerId;
  private final List<JobHandler> handlers;
  private final Map<JobKind, Integer> busyLanes = new EnumMap<>(JobKind.class);
  /** Kinds whose last claim came back full: more are waiting. */
  private final Set<JobKind> backlogged = EnumSet.noneOf(JobKind.class);
  private boolean stopped;
  /** Completed when stopped and no lane runs any more. */
  private final io.vertx.core.Promise<Void> idle = io.vertx.core.Promise.promise();

  public JobWorker(JobQueue queue, String workerId, List<JobHandler> handlers) {
    this.queue = queue;
    this.workerId = workerId;
    this.handlers = List.copyOf(handlers);
  }

  public String workerId() {
    return workerId;
  }

  /** Starts every idle lane; a lane runs until a claim finds nothing due. */
  public void wake() {
    if (stopped) {
      return;
    }
    for (JobHandler handler : handlers) {
      // counted once, before any lane starts: a lane that fails at once (the database is down) ends inside
      // this loop, and re-checking would start it again for ever on this event loop
      int free = handler.lanes() - busyLanes.getOrDefault(handler.kind(), 0);
      for (int lane = 0; lane < free && !waitingOutBacklog(handler); lane++) {
        busyLanes.merge(handler.kind(), 1, Integer::sum);
        drain(handler).onComplete(r -> {
          busyLanes.merge(handler.kind(), -1, Integer::sum);
          if (stopped && busy() == 0) {
            idle.tryComplete();
          }
          if (r.failed() && !stopped) {
            LOG.warn("Job worker {} stopped draining {} jobs: {}", workerId, handler.kind(), r.cause().toString());
          }
        });
      }
    }
  }

  /**
   * Claims nothing more; answers when the batches under way have finished (their jobs completed or failed
   * as usual). If the process dies first, a worker claims them again once their lease runs out.
   */
  public Future<Void> stop() {
    stopped = true;
    if (busy() == 0) {
      idle.tryComplete();
    }
    return idle.future();
  }

  private int busy() {
    return busyLanes.values().stream().mapToInt(Integer::intValue).sum();
  }

  private Future<Void> drain(JobHandler handler) {
    return runOnce(handler).compose(found -> found && !stopped ? drain(handler) : Future.succeededFuture());
  }

  private boolean waitingOutBacklog(JobHandler handler) {
    return handler.waitsForBacklogOf() != null && backlogged.contains(handler.waitsForBacklogOf());
  }

  /** Claims and runs one batch of the handler's kind; answers whether there was any. */
  private Future<Boolean> runOnce(JobHandler handler) {
    if (waitingOutBacklog(handler)) {
      return Future.succeededFuture(false);   // woken again when that backlog is gone
    }
    return queue.claim(workerId, handler.kind(), handler.claimLimit()).compose(jobs -> {
      if (jobs.size() == handler.claimLimit()) {
        backlogged.add(handler.kind());
      } else if (backlogged.remove(handler.kind())) {
        wake();   // lanes waiting out this kind's backlog may go
      }
      if (jobs.isEmpty()) {
        return Future.succeededFuture(false);
      }
      Future<Void> ran = handler.batched() ? runBatch(handler, jobs) : runEach(handler, jobs, 0);
      // A job may have queued work of another kind (embed queues discovery): wake its idle lanes now
      // rather than at the next poll.
      return ran.onComplete(r -> wake()).map(true);
    });
  }

  /** A failed batch is run again job by job, so that one bad job does not hold back the others. */
  private Future<Void> runBatch(JobHandler handler, List<Job> jobs) {
    if (jobs.size() == 1) {
      return runEach(handler, jobs, 0);
    }
    return handler.run(jobs, workerId).recover(e -> {
      LOG.debug("Batch of {} {} jobs failed ({}); running them one by one", jobs.size(), handler.kind(), e.toString());
      return runEach(handler, jobs, 0);
    });
  }

  private Future<Void> runEach(JobHandler handler, List<Job> jobs, int index) {
    if (index == jobs.size()) {
      return Future.succeededFuture();
    }
    Job job = jobs.get(index);
    return handler.run(List.of(job), workerId)
        .recover(e -> queue.fail(job, workerId, describe(e)).map(status -> {
          if ("failed".equals(status)) {
            LOG.error("Job {} ({} of {}) failed on attempt {} and is parked: {}", job.jobId(), job.kind(),
                job.subject(), job.attempts() + 1, describe(e));
          } else {
            LOG.warn("Job {} ({} of {}) failed on attempt {}, will retry: {}", job.jobId(), job.kind(),
                job.subject(), job.attempts() + 1, describe(e));
          }
          return null;
        }))
        .compose(v -> runEach(handler, jobs, index + 1));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return e.getClass().getSimpleName() + message;
  }
}
