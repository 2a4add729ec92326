package dev.mnemograph.worker.jobs;

import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobInfo;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.jobs.JobSettings;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job queue and worker against a real embedded PostgreSQL of their own (no service, so no other
 * worker competes for the jobs). The handlers here stand for a job's work: one that always fails, one
 * that fails for one memory, one that succeeds.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobWorkerTest {
  private static final JobSettings SETTINGS =
      new JobSettings(Duration.ofSeconds(1), 3, Duration.ofMillis(50), Duration.ofMillis(200), 4);

  private TestDatabase db;
  private Pool pool;
  private JobQueue queue;
  private String workspaceId;

  @BeforeAll
  void database(TestDatabase db) {
    this.db = db;
    pool = db.pool();
    queue = new JobQueue(pool, SETTINGS);
    NewApiKey ws = new WorkspaceRepository(pool).createWorkspace("jobs", "test").await();
    workspaceId = ws.workspace().workspaceId();
  }

  @BeforeEach
  void emptyQueue() {
    pool.query("DELETE FROM job").execute().await();
  }

  private String enqueueForNewMemory() {
    return pool.withTransaction(conn -> new MemoryRepository(pool, 90)
        .insert(conn, workspaceId, new NewMemory("t", "n", "general", List.of(), List.of(), List.of(), 0.5, 0.5))
        .compose(m -> JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, m.memoryId()).map(m.memoryId()))).await();
  }

  private Row job(String memoryId) {
    return pool.preparedQuery("SELECT status, attempts, last_error, locked_by, lease_until FROM job WHERE memory_id = $1")
        .execute(Tuple.of(memoryId)).await().iterator().next();
  }

  private int interruptions(String memoryId) {
    return pool.preparedQuery("SELECT interruptions FROM job WHERE memory_id = $1").execute(Tuple.of(memoryId)).await()
        .iterator().next().getInteger(0);
  }

  /** As if the worker holding the job had been killed that long ago: its lease has run out. */
  private void leaseRunsOut(String memoryId) {
    pool.preparedQuery("UPDATE job SET lease_until = now() - interval '1 second' WHERE memory_id = $1 AND status = 'running'")
        .execute(Tuple.of(memoryId)).await();
  }

  /** Wakes the worker on its own event loop until the condition holds (the service polls the same way). */
  private void runUntil(JobWorker worker, Predicate<Void> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    var context = db.vertx().getOrCreateContext();
    while (!done.test(null)) {
      context.runOnContext(v -> worker.wake());
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 20 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private JobHandler handler(int claimLimit, boolean batched, java.util.function.Function<List<Job>, Future<Void>> run) {
    return handler(JobKind.EMBED, null, claimLimit, batched, run);
  }

  private JobHandler handler(JobKind kind, JobKind waitsFor, int claimLimit, boolean batched,
                             java.util.function.Function<List<Job>, Future<Void>> run) {
    return new JobHandler() {
      @Override
      public JobKind kind() {
        return kind;
      }

      @Override
      public JobKind waitsForBacklogOf() {
        return waitsFor;
      }

      @Override
      public int claimLimit() {
        return claimLimit;
      }

      @Override
      public boolean batched() {
        return batched;
      }

      @Override
      public Future<Void> run(List<Job> jobs, String workerId) {
        return run.apply(jobs);
      }
    };
  }

  private Future<Void> complete(List<Job> jobs, String workerId) {
    return pool.withTransaction(conn -> JobQueue.complete(conn, jobs, workerId));
  }

  @Test
  void a_job_that_always_fails_is_retried_with_backoff_then_parked_with_its_error() {
    String memoryId = enqueueForNewMemory();
    AtomicInteger runs = new AtomicInteger();
    JobWorker worker = new JobWorker(queue, "worker-a", List.of(handler(1, false, jobs -> {
      runs.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("the model ran out of memory"));
    })));

    runUntil(worker, v -> "failed".equals(job(memoryId).getString("status")));

    Row parked = job(memoryId);
    assertEquals(3, parked.getInteger("attempts"));
    assertEquals("IllegalStateException: the model ran out of memory", parked.getString("last_error"));
    assertNull(parked.getString("locked_by"));
    int before = runs.get();
    assertEquals(3, before);
    runUntil(worker, v -> true);
    worker.wake();
    assertEquals(before, runs.get(), "a parked job is not claimed again");
  }

  @Test
  void one_bad_job_in_a_batch_does_not_hold_back_the_others() {
    String bad = enqueueForNewMemory();
    String good1 = enqueueForNewMemory();
    String good2 = enqueueForNewMemory();
    JobWorker worker = new JobWorker(queue, "worker-b", List.of(handler(10, true, jobs ->
        jobs.stream().anyMatch(j -> j.memoryId().equals(bad))
            ? Future.failedFuture(new IllegalArgumentException("cannot embed this text"))
            : complete(jobs, "worker-b"))));

    runUntil(worker, v -> "failed".equals(job(bad).getString("status")));

    assertEquals("done", job(good1).getString("status"));
    assertEquals("done", job(good2).getString("status"));
    assertEquals(0, job(good1).getInteger("attempts"), "done without a failed attempt, one by one after the batch failed");
  }

  @Test
  void a_kind_that_waits_for_another_s_backlog_runs_once_that_backlog_is_done() {
    List<String> memories = List.of(enqueueForNewMemory(), enqueueForNewMemory(), enqueueForNewMemory(),
        enqueueForNewMemory(), enqueueForNewMemory(), enqueueForNewMemory());
    List<String> ran = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    JobHandler embed = handler(2, true, jobs -> {
      ran.add("embed");
      // Like the real embedding handler: a finished embedding queues the memory's discovery.
      return pool.withTransaction(conn -> JobQueue.enqueueAll(conn, JobKind.DISCOVER_RELATIONSHIPS,
              jobs.stream().map(Job::workspaceId).toList(), jobs.stream().map(Job::memoryId).toList())
          .compose(v -> JobQueue.complete(conn, jobs, "worker-c")));
    });
    JobHandler discover = handler(JobKind.DISCOVER_RELATIONSHIPS, JobKind.EMBED, 16, true, jobs -> {
      ran.add("discover " + jobs.size());
      return complete(jobs, "worker-c");
    });
    JobWorker worker = new JobWorker(queue, "worker-c", List.of(embed, discover));

    runUntil(worker, v -> pool.query("SELECT count(*) FROM job WHERE status <> 'done'").execute().await()
        .iterator().next().getLong(0) == 0);

    assertEquals(List.of("embed", "embed", "embed", "discover " + memories.size()), ran,
        "discovery waits while embedding claims full batches, then takes all of it at once");
  }

  @Test
  void a_job_whose_worker_died_is_finished_by_another_claim_once_its_lease_runs_out() {
    String memoryId = enqueueForNewMemory();
    List<Job> taken = queue.claim("worker-that-dies", JobKind.EMBED, 10).await();
    assertEquals(1, taken.size());
    Set<Long> ranBySurvivor = ConcurrentHashMap.newKeySet();
    JobWorker survivor = new JobWorker(queue, "survivor", List.of(handler(10, true, jobs -> {
      jobs.forEach(j -> ranBySurvivor.add(j.jobId()));
      return complete(jobs, "survivor");
    })));

    runUntil(survivor, v -> true);
    assertEquals("running", job(memoryId).getString("status"), "not taken while the lease holds");
    assertTrue(ranBySurvivor.isEmpty());

    runUntil(survivor, v -> "done".equals(job(memoryId).getString("status")));

    assertEquals(Set.of(taken.get(0).jobId()), ranBySurvivor);
    assertEquals(0, job(memoryId).getInteger("attempts"), "an interrupted run is not a failed attempt");
    assertEquals(1, interruptions(memoryId));
    assertEquals("done", job(memoryId).getString("status"));
    complete(taken, "worker-that-dies").await();
    assertEquals("done", job(memoryId).getString("status"), "the dead worker's late completion changes nothing");
  }

  @Test
  void a_live_worker_renews_its_leases_so_only_a_dead_one_s_jobs_are_claimed_again() throws Exception {
    String kept = enqueueForNewMemory();
    assertEquals(1, queue.claim("live", JobKind.EMBED, 10).await().size());
    String abandoned = enqueueForNewMemory();
    assertEquals(1, queue.claim("dead", JobKind.EMBED, 10).await().size());

    for (int i = 0; i < 4; i++) {   // 1.6 s: past the 1 s lease, renewed every 0.4 s
      Thread.sleep(400);
      assertEquals(1, queue.renew("live").await());
    }
    assertEquals(0, queue.renew("nobody").await());
    List<Job> reclaimed = queue.claim("other", JobKind.EMBED, 10).await();

    assertEquals(List.of(abandoned), reclaimed.stream().map(Job::memoryId).toList());
    assertEquals("live", job(kept).getString("locked_by"), "the live worker still holds its job");
  }

  @Test
  void with_the_database_gone_a_wake_up_returns_instead_of_restarting_failed_lanes_for_ever() throws Exception {
    Pool gone = io.vertx.pgclient.PgBuilder.pool().connectingTo("postgresql://nobody@127.0.0.1:1/none")
        .using(db.vertx()).build();
    gone.close().await();
    JobWorker worker = new JobWorker(new JobQueue(gone, SETTINGS), "w", List.of(handler(10, true, jobs -> {
      throw new AssertionError("nothing can be claimed");
    })));
    java.util.concurrent.CompletableFuture<Void> returned = new java.util.concurrent.CompletableFuture<>();
    db.vertx().getOrCreateContext().runOnContext(v -> {
      worker.wake();   // claims fail at once: the lanes end inside wake()
      returned.complete(null);
    });
    returned.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(worker.stop().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS)
        == null, "and no lane is left running");
  }

  @Test
  void a_stopping_worker_hands_back_its_claims_at_once_without_counting_the_attempt() {
    String memoryId = enqueueForNewMemory();
    List<Job> taken = queue.claim("worker-that-stops", JobKind.EMBED, 10).await();
    assertEquals(1, taken.size());

    assertEquals(1, queue.release("worker-that-stops").await());
    assertEquals(0, queue.release("worker-that-stops").await(), "nothing left to hand back");

    assertEquals("pending", job(memoryId).getString("status"));
    assertEquals(0, job(memoryId).getInteger("attempts"));
    List<Job> again = queue.claim("other", JobKind.EMBED, 10).await();
    assertEquals(List.of(taken.get(0).jobId()), again.stream().map(Job::jobId).toList(),
        "another worker takes it at once, not after the lease");
  }

  @Test
  void claims_never_hand_one_job_to_two_workers_and_edits_coalesce_into_one_pending_job() {
    String memoryId = enqueueForNewMemory();
    pool.withTransaction(conn -> JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, memoryId)).await();
    for (int i = 0; i < 5; i++) {
      enqueueForNewMemory();
    }
    assertEquals(6L, pool.query("SELECT count(*) FROM job WHERE status = 'pending'").execute().await()
        .iterator().next().getLong(0), "a second enqueue for a pending memory adds nothing");

    List<List<Job>> claims = Future.all(queue.claim("w1", JobKind.EMBED, 4), queue.claim("w2", JobKind.EMBED, 4))
        .map(all -> List.<List<Job>>of(all.resultAt(0), all.resultAt(1))).await();

    assertEquals(6, claims.get(0).size() + claims.get(1).size());
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    claims.forEach(c -> c.forEach(j -> assertTrue(ids.add(j.jobId()), "claimed twice: " + j)));
  }

  @Test
  void interrupted_runs_are_not_failed_attempts_and_only_their_own_bound_parks_a_job() {
    String memoryId = enqueueForNewMemory();
    for (int run = 1; run <= SETTINGS.maxInterruptions(); run++) {
      assertEquals(1, queue.claim("worker-killed-" + run, JobKind.EMBED, 10).await().size(), "run " + run);
      leaseRunsOut(memoryId);
      if (run < SETTINGS.maxInterruptions()) {
        assertEquals(0, queue.sweep(Duration.ofDays(7)).await(), "not parked after " + run + " interruptions");
      }
    }
    assertEquals(0, job(memoryId).getInteger("attempts"), "more interruptions than maxAttempts, no failed attempt");

    assertEquals(List.of(), queue.claim("another", JobKind.EMBED, 10).await(), "not taken past the bound");
    assertEquals(1, queue.sweep(Duration.ofDays(7)).await(), "parked at the bound");

    Row parked = job(memoryId);
    assertEquals("failed", parked.getString("status"));
    assertEquals(SETTINGS.maxInterruptions(), interruptions(memoryId));
    assertTrue(parked.getString("last_error").contains("interrupted"), parked.getString("last_error"));
  }

  @Test
  void a_superseded_job_is_done_with_a_finish_time_and_done_jobs_are_purged_after_the_retention() {
    String memoryId = enqueueForNewMemory();
    Job running = queue.claim("w", JobKind.EMBED, 10).await().get(0);
    pool.withTransaction(conn -> JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, memoryId)).await();   // an edit

    assertEquals("done", queue.fail(running, "w", "boom").await(), "superseded by the edit's pending job");
    assertEquals(1L, count("SELECT count(*) FROM job WHERE status = 'done' AND finished_at IS NOT NULL"));
    assertEquals(1, running.attempts() + 1, "the failed run is counted");

    String failed = enqueueForNewMemory();
    pool.preparedQuery("UPDATE job SET status = 'failed', finished_at = now() - interval '30 days' WHERE memory_id = $1")
        .execute(Tuple.of(failed)).await();
    queue.sweep(Duration.ofDays(7)).await();
    assertEquals(1L, count("SELECT count(*) FROM job WHERE status = 'done'"), "kept for the retention");

    pool.query("UPDATE job SET finished_at = now() - interval '8 days' WHERE status = 'done'").execute().await();
    queue.sweep(Duration.ofDays(7)).await();
    assertEquals(0L, count("SELECT count(*) FROM job WHERE status = 'done'"), "purged after it");
    assertEquals("failed", job(failed).getString("status"), "failed jobs stay until retried");
    assertEquals("pending", job(memoryId).getString("status"));
  }

  @Test
  void failed_jobs_are_listed_and_retried_from_scratch_once_per_memory() {
    String one = enqueueForNewMemory();
    String two = enqueueForNewMemory();
    String covered = enqueueForNewMemory();
    pool.query("UPDATE job SET status = 'failed', attempts = 3, finished_at = now(), last_error = 'the model broke'")
        .execute().await();
    pool.withTransaction(conn -> JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, two)).await();
    pool.query("UPDATE job SET status = 'failed', attempts = 3, finished_at = now() WHERE status = 'pending'")
        .execute().await();   // two failed jobs of memory `two`
    pool.withTransaction(conn -> JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, covered)).await();
    long oneId = pool.preparedQuery("SELECT job_id FROM job WHERE memory_id = $1").execute(Tuple.of(one)).await()
        .iterator().next().getLong(0);

    List<JobInfo> failedJobs = queue.list(true, null, 100).await();
    assertEquals(4, failedJobs.size());
    assertTrue(failedJobs.stream().allMatch(j -> j.status().equals("failed") && j.attempts() == 3));
    assertEquals("the model broke", failedJobs.get(0).lastError());
    assertEquals(5, queue.list(false, "jobs", 100).await().size(), "by workspace name, with the pending one");
    assertEquals(5, queue.list(false, workspaceId, 100).await().size(), "or id");
    assertEquals(0, queue.list(false, "no-such-workspace", 100).await().size());

    assertEquals(new JobQueue.RetryResult(1, 0), queue.retry(oneId).await());
    assertEquals("pending", job(one).getString("status"));
    assertEquals(0, job(one).getInteger("attempts"));
    assertEquals(new JobQueue.RetryResult(0, 0), queue.retry(oneId).await(), "only a failed job is retried");

    assertEquals(new JobQueue.RetryResult(1, 2), queue.retry(null).await(),
        "of memory two's failed jobs the newest runs again; covered's pending job covers its failed one");
    assertEquals(0, queue.list(true, null, 100).await().size());
    assertEquals(3L, count("SELECT count(*) FROM job WHERE status = 'pending'"));
  }

  private long count(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
