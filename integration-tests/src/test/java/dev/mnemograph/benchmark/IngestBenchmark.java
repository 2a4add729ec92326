package dev.mnemograph.benchmark;

import dev.mnemograph.bus.Addresses;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.support.NodeProcess;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingModelChoice;
import dev.mnemograph.worker.embedding.EmbeddingText;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ingest 2,000 memories through the HTTP API and report embeddings per second and the time from each 201 to
 * the memory having its embedding and its edges; beside them, what the model alone does on the same texts in
 * the same run.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark verify -Dtest=IngestBenchmark} (about 2 minutes on 2 cores): one process on
 * the embedded database. With {@code MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://...}: production's shape, this
 * JVM an API node and the worker node a JVM of its own on a clustered event bus, both on that PostgreSQL.
 * Prints, asserts only that the work completed.
 */
@Tag("benchmark")
class IngestBenchmark {
  private static final int MEMORIES = Integer.getInteger("bench.memories", 2_000);
  private static final int IN_FLIGHT = 8;
  private static final int QUIET_STORES = 20;

  @Test
  void ingest_2000_memories_through_the_api() throws Exception {
    List<LocomoTurns.Turn> turns = LocomoTurns.load(MEMORIES);
    assertEquals(MEMORIES, turns.size(), "LoCoMo turns available in " + LocomoTurns.dataDir());
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    boolean separateWorker = !url.isEmpty();
    int hzApi = NodeProcess.freePort();
    int hzWorker = NodeProcess.freePort();
    int opsPort = NodeProcess.freePort();
    String members = "127.0.0.1:" + hzApi + ",127.0.0.1:" + hzWorker;
    String clusterName = "bench-" + UUID.randomUUID();
    JsonObject json = new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString());
    if (separateWorker) {
      json.put(AppConfig.CLUSTER_MEMBERS, members).put(AppConfig.CLUSTER_PORT, hzApi)
          .put(AppConfig.CLUSTER_NAME, clusterName);
    }
    AppConfig config = AppConfig.fromJson(json);
    System.out.printf("%nIngestBenchmark on %s%n", separateWorker
        ? "PostgreSQL at " + url.replaceAll("//[^@]*@", "//") + ": an API node (this JVM) and a worker node (a JVM of its own)"
        : "the embedded PGlite, API and workers in one process");
    List<String> texts = turns.stream()
        .map(t -> EmbeddingText.of(t.title(), t.narrative(), List.of(), List.of())).toList();

    double modelBefore = modelAlone(config, texts);

    Path dir = Files.createTempDirectory("mnemograph-ingest");
    Process worker = null;
    try (Mnemograph service = separateWorker
        ? Mnemograph.start(config, Set.of("api"), pool -> { }) : Mnemograph.start(config)) {
      if (separateWorker) {
        worker = NodeProcess.start(dir, "worker", Map.of("MNEMOGRAPH_DATABASE_URL", url,
            "MNEMOGRAPH_CLUSTER_MEMBERS", members, "MNEMOGRAPH_CLUSTER_PORT", String.valueOf(hzWorker),
            "MNEMOGRAPH_CLUSTER_NAME", clusterName, "MNEMOGRAPH_OPS_PORT", String.valueOf(opsPort)));
        NodeProcess.awaitReady(WebClient.create(service.vertx()), opsPort, worker, NodeProcess.log(dir, "worker"));
      }
      NewApiKey key = new WorkspaceRepository(service.pool())
          .createWorkspace("bench-" + UUID.randomUUID(), "bench").await();
      WebClient http = WebClient.create(service.vertx(),
          new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
      long ingestStarted = System.nanoTime();
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      AtomicInteger failures = new AtomicInteger();
      for (LocomoTurns.Turn turn : turns) {
        inFlight.acquire();
        http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key.key())
            .sendJsonObject(turn.asMemory())
            .onComplete(r -> {
              if (r.failed() || r.result().statusCode() != 201) {
                failures.incrementAndGet();
              }
              inFlight.release();
            });
      }
      inFlight.acquire(IN_FLIGHT);
      double ingestSeconds = (System.nanoTime() - ingestStarted) / 1e9;
      assertEquals(0, failures.get(), "every store answered 201");

      List<Row> rows = awaitLinked(service, key.workspace().workspaceId(), Duration.ofMinutes(15));
      double backlogRate = reembedAll(service, key.workspace().workspaceId(), Duration.ofMinutes(15));
      awaitIdle(service, key.workspace().workspaceId(), Duration.ofMinutes(15));
      // the machine's pace drifts between minutes: measure the model again right after, and compare with both
      double modelAfter = modelAlone(config, texts);
      List<Long> quiet = oneAtATime(service, http, key, turns.subList(0, QUIET_STORES));
      report(config, modelBefore, modelAfter, ingestSeconds, rows, edges(service, key.workspace().workspaceId()), backlogRate);
      System.out.printf("one store at a time into the %d-memory workspace (%d stores): 201 -> edges p50 %d ms, "
          + "p95 %d ms, max %d ms%n%n", MEMORIES, QUIET_STORES, pct(quiet, 50), pct(quiet, 95), pct(quiet, 100));
      if (separateWorker) {   // a real PostgreSQL outlives the run: leave it as it was
        service.pool().preparedQuery("DELETE FROM workspace WHERE workspace_id = $1")
            .execute(Tuple.of(key.workspace().workspaceId())).await();
      }
    } finally {
      if (worker != null) {
        NodeProcess.stop(worker);
      }
    }
  }

  /** The model by itself, same model, threads and batch size as the service, on the same texts. */
  private static double modelAlone(AppConfig config, List<String> texts) {
    try (Embedder embedder = Embedder.load(EmbeddingModelChoice.of(config.embeddingModel()), config.embeddingThreads())) {
      embedder.embedAll(texts.subList(0, 64));   // warm-up
      long started = System.nanoTime();
      for (int i = 0; i < texts.size(); i += config.embeddingBatchSize()) {
        embedder.embedAll(texts.subList(i, Math.min(texts.size(), i + config.embeddingBatchSize())));
      }
      return texts.size() / ((System.nanoTime() - started) / 1e9);
    }
  }

  private static void awaitIdle(Mnemograph service, String workspaceId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (service.pool().preparedQuery("SELECT 1 FROM job WHERE workspace_id = $1 AND status <> 'done' LIMIT 1")
        .execute(Tuple.of(workspaceId)).await().size() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("jobs still open after " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /** How an agent sees it: store one memory, wait until it is embedded and linked, store the next. */
  private static List<Long> oneAtATime(Mnemograph service, WebClient http, NewApiKey key, List<LocomoTurns.Turn> turns)
      throws InterruptedException {
    List<Long> out = new ArrayList<>();
    for (LocomoTurns.Turn turn : turns) {
      long sent = System.nanoTime();
      String id = http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key.key())
          .sendJsonObject(turn.asMemory()).await().bodyAsJsonObject().getString("memory_id");
      long stored = System.nanoTime();
      while (service.pool().preparedQuery("""
              SELECT 1 FROM job WHERE memory_id = $1 AND kind = 'discover_relationships' AND status = 'done'""")
          .execute(Tuple.of(id)).await().size() == 0) {
        Thread.sleep(5);
      }
      out.add((System.nanoTime() - stored) / 1_000_000);
      if (System.nanoTime() - sent > Duration.ofMinutes(1).toNanos()) {
        throw new AssertionError("a single store took over a minute to be linked");
      }
    }
    Collections.sort(out);
    return out;
  }

  /**
   * The pipeline at its own pace, with HTTP out of the way: queue a re-embed of every memory at once (as a
   * model change does) and time the workers through the backlog, relationship discovery included.
   */
  private static double reembedAll(Mnemograph service, String workspaceId, Duration timeout) throws InterruptedException {
    OffsetDateTime queuedAt = service.pool().preparedQuery("""
            WITH queued AS (INSERT INTO job (workspace_id, kind, memory_id)
                            SELECT workspace_id, 'embed', memory_id FROM memory WHERE workspace_id = $1)
            SELECT now()""")
        .execute(Tuple.of(workspaceId)).await().iterator().next().getOffsetDateTime(0);
    service.vertx().eventBus().publish(Addresses.JOBS_READY, new JsonObject());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Row r = service.pool().preparedQuery("""
              SELECT count(*) FILTER (WHERE status <> 'done'), max(finished_at), count(*) FROM job
              WHERE workspace_id = $1 AND kind = 'embed' AND created_at >= $2""")
          .execute(Tuple.of(workspaceId, queuedAt)).await().iterator().next();
      if (r.getLong(0) == 0) {
        return r.getLong(2) / (Duration.between(queuedAt, r.getOffsetDateTime(1)).toMillis() / 1000.0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the re-embed backlog did not drain within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until every job of the workspace is done (each embed queues its discovery in the same commit, so
   * nothing is missed), polling with a cheap query: the embedded database is one session, and a heavy poll
   * would slow down the very pipeline it measures. Then reads each memory's times once.
   */
  private static List<Row> awaitLinked(Mnemograph service, String workspaceId, Duration timeout) throws InterruptedException {
    awaitIdle(service, workspaceId, timeout);
    List<Row> rows = new ArrayList<>();
    service.pool().preparedQuery("""
            SELECT m.memory_id, m.created_at, e.finished AS embedded_at, d.finished AS linked_at
            FROM memory m
            JOIN (SELECT memory_id, max(finished_at) AS finished FROM job
                  WHERE workspace_id = $1 AND kind = 'embed' AND status = 'done' GROUP BY memory_id) e USING (memory_id)
            JOIN (SELECT memory_id, max(finished_at) AS finished FROM job
                  WHERE workspace_id = $1 AND kind = 'discover_relationships' AND status = 'done'
                  GROUP BY memory_id) d USING (memory_id)
            WHERE m.workspace_id = $1""")
        .execute(Tuple.of(workspaceId)).await().forEach(rows::add);
    assertEquals(MEMORIES, rows.size(), "every memory embedded and linked");
    return rows;
  }

  private static List<Row> edges(Mnemograph service, String workspaceId) {
    List<Row> out = new ArrayList<>();
    service.pool().preparedQuery("""
            SELECT relationship_type, count(*) FROM memory_relationship WHERE workspace_id = $1
            GROUP BY relationship_type ORDER BY relationship_type""")
        .execute(Tuple.of(workspaceId)).await().forEach(out::add);
    return out;
  }

  private static void report(AppConfig config, double modelBefore, double modelAfter, double ingestSeconds, List<Row> rows, List<Row> edges,
                             double backlogRate) {
    double modelAlone = (modelBefore + modelAfter) / 2;
    OffsetDateTime first = rows.stream().map(r -> r.getOffsetDateTime("created_at")).min(OffsetDateTime::compareTo)
        .orElseThrow();
    OffsetDateTime lastEmbedded = rows.stream().map(r -> r.getOffsetDateTime("embedded_at"))
        .max(OffsetDateTime::compareTo).orElseThrow();
    double pipeline = rows.size() / (Duration.between(first, lastEmbedded).toMillis() / 1000.0);
    List<Long> toEmbedding = latencies(rows, "embedded_at");
    List<Long> toEdges = latencies(rows, "linked_at");
    System.out.printf("""

        === Ingest benchmark: %d memories through POST /api/v1/memories/store, %s ===
        machine: %d cores; model %s, %d embedding thread(s), batches of %d; %d requests in flight
        HTTP ingest:               %6.1f s  (%.0f stores/s)
        model alone, same texts:   %6.1f embeddings/s (mean of %.1f before and %.1f after the pipeline)
        pipeline through a backlog (re-embed of all, with discovery): %6.1f embeddings/s = %.0f %% of the model alone
        pipeline while ingesting (first 201 to last embedding):      %6.1f embeddings/s (sharing the CPU with the ingest)
        201 -> embedding stored:   p50 %6d ms   p95 %6d ms   max %6d ms
        201 -> edges discovered:   p50 %6d ms   p95 %6d ms   max %6d ms
        edges: %s
        """,
        rows.size(), config.embeddedDatabase() ? "embedded PostgreSQL (PGlite), one process"
            : "PostgreSQL, separate API and worker nodes",
        Runtime.getRuntime().availableProcessors(), config.embeddingModel(), config.embeddingThreads(),
        config.embeddingBatchSize(), IN_FLIGHT, ingestSeconds, rows.size() / ingestSeconds, modelAlone, modelBefore,
        modelAfter,
        backlogRate, 100 * backlogRate / modelAlone, pipeline,
        pct(toEmbedding, 50), pct(toEmbedding, 95), pct(toEmbedding, 100),
        pct(toEdges, 50), pct(toEdges, 95), pct(toEdges, 100),
        edges.stream().map(r -> r.getString(0) + " " + r.getLong(1)).toList());
  }

  private static List<Long> latencies(List<Row> rows, String column) {
    List<Long> out = new ArrayList<>();
    rows.forEach(r -> out.add(Duration.between(r.getOffsetDateTime("created_at"), r.getOffsetDateTime(column)).toMillis()));
    Collections.sort(out);
    return out;
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
