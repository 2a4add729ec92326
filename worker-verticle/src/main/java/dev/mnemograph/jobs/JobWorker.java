package dev.mnemograph.jobs;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Claims jobs from the queue and runs them until none are due, taking the kinds in turn so that no kind
 * waits behind another's backlog. {@link #wake()} is cheap and may be called at any time: a wake while
 * draining makes the drain look once more. Runs on one event loop (its verticle's), so its state needs no
 * locks; the blocking part of a job is the handler's business.
 */
public final class JobWorker {
  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  private final JobQueue queue;
  private final String workerId;
  private final List<JobHandler> handlers;
  private boolean draining;
  private boolean wokenWhileDraining;

  public JobWorker(JobQueue queue, String workerId, List<JobHandler> handlers) {
    this.queue = queue;
    this.workerId = workerId;
    this.handlers = List.copyOf(handlers);
  }

  public String workerId() {
    return workerId;
  }

  public void wake() {
    if (draining) {
      wokenWhileDraining = true;
      return;
    }
    draining = true;
    wokenWhileDraining = false;
    drain().onComplete(r -> {
      draining = false;
      if (r.failed()) {
        LOG.warn("Job worker {} stopped draining: {}", workerId, r.cause().toString());
      }
      if (wokenWhileDraining) {
        wake();
      }
    });
  }

  /** One round over every kind; another round as long as any of them found work. */
  private Future<Void> drain() {
    Future<Boolean> round = Future.succeededFuture(false);
    for (JobHandler handler : handlers) {
      round = round.compose(worked -> runOnce(handler).map(found -> worked || found));
    }
    return round.compose(worked -> worked ? drain() : Future.succeededFuture());
  }

  /** Claims and runs one batch of the handler's kind; answers whether there was any. */
  private Future<Boolean> runOnce(JobHandler handler) {
    return queue.claim(workerId, handler.kind(), handler.claimLimit()).compose(jobs -> {
      if (jobs.isEmpty()) {
        return Future.succeededFuture(false);
      }
      Future<Void> ran = handler.batched() ? runBatch(handler, jobs) : runEach(handler, jobs, 0);
      return ran.map(true);
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
                job.memoryId(), job.attempts(), describe(e));
          } else {
            LOG.warn("Job {} ({} of {}) failed on attempt {}, will retry: {}", job.jobId(), job.kind(),
                job.memoryId(), job.attempts(), describe(e));
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
