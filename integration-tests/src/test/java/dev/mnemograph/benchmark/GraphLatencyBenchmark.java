package dev.mnemograph.benchmark;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.memory.Relationship;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Latency of the graph endpoints over HTTP in a workspace of 100,000 memories and 1,000,000 relationships:
 * POST /memories/path between random memories (default max_depth 5, all types), POST /memories/explore
 * (max_nodes 50) and GET /memories/graph (1,000 and 5,000 nodes).
 *
 * <p>The graph: each memory has 10 relationships out, 7 of them to memories near it (within 500 places, as
 * topics cluster) and 3 to any memory, of a random type, confidence 0.3..1, half of them bidirectional; random
 * PageRank. Rows go in by SQL (no embedding, no discovery, no graph analysis: that would measure something
 * else). Titles draw a word from a vocabulary of 5,000, so a word seeds explore with about 20 keyword matches.
 *
 * <p>Run on the embedded database: {@code ./mvnw -Pbenchmark verify -Dtest=GraphLatencyBenchmark}; on a real
 * PostgreSQL, with {@code MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://...} set. {@code -Dbench.graph.memories=N}
 * changes the size (10 edges each), {@code -Dbench.graph.requests=N} the requests per measurement,
 * {@code -Dbench.graph.keep=true} leaves the rows in the database afterwards, and
 * {@code -Dbench.graph.workspace=ws-...} measures such a kept workspace again without inserting anything.
 *
 * <p>After inserting, the graph endpoint is measured once before VACUUM (the visibility map not set yet, so
 * index-only scans still read the heap; autovacuum may have run part of the way meanwhile), then the tables
 * get the VACUUM (ANALYZE) that autovacuum would give them, and everything is measured.
 */
@Tag("benchmark")
class GraphLatencyBenchmark {
  private static final int MEMORIES = Integer.getInteger("bench.graph.memories", 100_000);
  private static final int EDGES_PER_MEMORY = 10;
  private static final int NEAR = 7;
  private static final int NEAR_SPAN = 500;
  private static final int WORDS = 5_000;
  private static final int REQUESTS = Integer.getInteger("bench.graph.requests", 1_000);
  private static final int WARM_UP = 200;
  private static final int BATCH = 50_000;

  @Test
  void graph_endpoints_at_100k_memories_and_1m_edges() {
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATABASE_STATEMENT_TIMEOUT_MS, 1_800_000)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    System.out.printf("%nGraphLatencyBenchmark on %s%n",
        url.isEmpty() ? "the embedded PGlite" : "PostgreSQL at " + url.replaceAll("//[^@]*@", "//"));
    String existing = System.getProperty("bench.graph.workspace", "");
    try (Mnemograph service = Mnemograph.start(config)) {
      Pool pool = service.pool();
      WorkspaceRepository workspaces = new WorkspaceRepository(pool);
      if (!existing.isEmpty()) {
        measure(service, workspaces.createKey(existing, "bench").await(), false);
        return;
      }
      NewApiKey key = workspaces.createWorkspace("bench-graph-" + UUID.randomUUID(), "bench").await();
      String ws = key.workspace().workspaceId();
      try {
        insert(pool, ws);
        measure(service, key, true);
      } finally {
        if (Boolean.getBoolean("bench.graph.keep")) {   // for EXPLAIN ANALYZE by hand afterwards
          System.out.println("kept workspace " + ws);
        } else {
          pool.preparedQuery("DELETE FROM workspace WHERE workspace_id = $1").execute(Tuple.of(ws)).await();
          pool.query("VACUUM (ANALYZE) memory_relationship").execute().await();
          pool.query("VACUUM (ANALYZE) memory").execute().await();
        }
      }
    }
  }

  private static String id(int i) {
    return String.format("mem-g%015d", i);
  }

  private static void insert(Pool pool, String ws) {
    long started = System.nanoTime();
    Random random = new Random(42);
    for (int from = 0; from < MEMORIES; from += BATCH) {
      int n = Math.min(BATCH, MEMORIES - from);
      String[] ids = new String[n];
      String[] titles = new String[n];
      Double[] pageranks = new Double[n];
      for (int i = 0; i < n; i++) {
        ids[i] = id(from + i);
        titles[i] = "Note " + (from + i) + " on w" + random.nextInt(WORDS);
        pageranks[i] = random.nextDouble();
      }
      pool.preparedQuery("""
              INSERT INTO memory (memory_id, workspace_id, title, narrative, memory_type, pagerank_score)
              SELECT id, $1, title, 'A note for the graph benchmark.', 'discovery', pr
              FROM unnest($2::text[], $3::text[], $4::float8[]) AS r(id, title, pr)""")
          .execute(Tuple.of(ws).addArrayOfString(ids).addArrayOfString(titles).addArrayOfDouble(pageranks)).await();
    }
    double memoriesSeconds = (System.nanoTime() - started) / 1e9;
    started = System.nanoTime();
    long edges = 0;
    int perBatch = BATCH / EDGES_PER_MEMORY;
    for (int from = 0; from < MEMORIES; from += perBatch) {
      int n = Math.min(perBatch, MEMORIES - from);
      List<String> sources = new ArrayList<>();
      List<String> targets = new ArrayList<>();
      List<String> types = new ArrayList<>();
      List<Double> confidences = new ArrayList<>();
      List<Boolean> bidirectional = new ArrayList<>();
      for (int i = from; i < from + n; i++) {
        for (int k = 0; k < EDGES_PER_MEMORY; k++) {
          int target = k < NEAR ? Math.floorMod(i + 1 + random.nextInt(NEAR_SPAN), MEMORIES) : random.nextInt(MEMORIES);
          if (target == i) {
            continue;
          }
          sources.add(id(i));
          targets.add(id(target));
          types.add(Relationship.TYPES.get(random.nextInt(Relationship.TYPES.size())));
          confidences.add(0.3 + 0.7 * random.nextDouble());
          bidirectional.add(random.nextBoolean());
        }
      }
      edges += pool.preparedQuery("""
              INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                               discovery_method, confidence, is_bidirectional)
              SELECT $1, s, t, ty, 'manual', c, b
              FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::bool[]) AS r(s, t, ty, c, b)
              ON CONFLICT DO NOTHING""")
          .execute(Tuple.of(ws).addArrayOfString(sources.toArray(String[]::new))
              .addArrayOfString(targets.toArray(String[]::new)).addArrayOfString(types.toArray(String[]::new))
              .addArrayOfDouble(confidences.toArray(Double[]::new))
              .addArrayOfBoolean(bidirectional.toArray(Boolean[]::new)))
          .await().rowCount();
    }
    System.out.printf("%d memories in %.0f s, %d relationships in %.0f s%n", MEMORIES, memoriesSeconds, edges,
        (System.nanoTime() - started) / 1e9);
  }

  /** {@code fresh}: the rows were just inserted, and have not been vacuumed yet. */
  private static void measure(Mnemograph service, NewApiKey key, boolean fresh) {
    WebClient http = WebClient.create(service.vertx(),
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    // every path request, warm-up included, asks about a pair of its own
    Random pairs = new Random(7);
    int[][] ends = new int[WARM_UP + 2 * REQUESTS][2];
    for (int[] e : ends) {
      e[0] = pairs.nextInt(MEMORIES);
      e[1] = pairs.nextInt(MEMORIES);
    }
    AtomicInteger cursor = new AtomicInteger();
    LongAdder found = new LongAdder();
    LongAdder depths = new LongAdder();
    LongAdder truncated = new LongAdder();
    IntFunction<Future<?>> path = i -> {
      int[] pair = ends[cursor.getAndIncrement() % ends.length];
      return http.post("/api/v1/memories/path").putHeader("Authorization", "Token " + key.key())
        .sendJsonObject(new JsonObject().put("source_memory_id", id(pair[0])).put("target_memory_id", id(pair[1])))
        .map(res -> {
          JsonObject body = ok(res);
          if (!body.getJsonArray("path").isEmpty()) {
            found.increment();
            depths.add(body.getInteger("depth"));
          }
          if (body.getBoolean("truncated", false)) {
            truncated.increment();
          }
          return body;
        });
    };
    IntFunction<Future<?>> explore = i -> http.post("/api/v1/memories/explore")
        .putHeader("Authorization", "Token " + key.key())
        .sendJsonObject(new JsonObject().put("query", "w" + (i * 7919 % WORDS)))
        .map(GraphLatencyBenchmark::ok);
    // explore's seeds alone: the same queries through the hybrid search, as many results as explore seeds
    IntFunction<Future<?>> seeds = i -> http.post("/api/v1/memories/search")
        .putHeader("Authorization", "Token " + key.key())
        .sendJsonObject(new JsonObject().put("query", "w" + (i * 7919 % WORDS)).put("limit", 5))
        .map(GraphLatencyBenchmark::ok);
    IntFunction<Future<?>> graph1000 = i -> http.get("/api/v1/memories/graph?max_nodes=1000")
        .putHeader("Authorization", "Token " + key.key()).send().map(GraphLatencyBenchmark::ok);
    IntFunction<Future<?>> graph5000 = i -> http.get("/api/v1/memories/graph?max_nodes=5000")
        .putHeader("Authorization", "Token " + key.key()).send().map(GraphLatencyBenchmark::ok);

    System.out.printf("%n%-44s %8s %8s %8s %8s%n", "", "p50 ms", "p95 ms", "p99 ms", "req/s");
    if (fresh) {
      Latency.measure(graph1000, 5, 1).print("GET /memories/graph?max_nodes=1000, no VACUUM");
      Latency.measure(graph5000, 5, 1).print("GET /memories/graph?max_nodes=5000, no VACUUM");
      long started = System.nanoTime();
      service.pool().query("VACUUM (ANALYZE) memory").execute().await();
      service.pool().query("VACUUM (ANALYZE) memory_relationship").execute().await();
      System.out.printf("  VACUUM (ANALYZE) in %.0f s%n", (System.nanoTime() - started) / 1e9);
    }
    Latency.measure(path, WARM_UP, 1);
    Latency.measure(explore, WARM_UP / 4, 1);
    found.reset();
    depths.reset();
    truncated.reset();
    Latency.measure(path, REQUESTS, 1).print("POST /memories/path, 1 client");
    System.out.printf("  found %.1f %% (mean depth %.2f), truncated %.1f %% of %d random pairs%n",
        100.0 * found.sum() / REQUESTS, depths.sum() / Math.max(1.0, found.sum()), 100.0 * truncated.sum() / REQUESTS,
        REQUESTS);
    Latency.measure(path, REQUESTS, 4).print("POST /memories/path, 4 clients");
    Latency.measure(seeds, WARM_UP / 4, 1);
    Latency.measure(seeds, REQUESTS / 4, 1).print("POST /memories/search (limit 5: explore's seeds)");
    Latency.measure(explore, REQUESTS / 4, 1).print("POST /memories/explore (50 nodes), 1 client");
    Latency.measure(graph1000, 20, 1).print("GET /memories/graph?max_nodes=1000");
    Latency.measure(graph5000, 10, 1).print("GET /memories/graph?max_nodes=5000");
    JsonObject g = graph1000.apply(0).map(r -> (JsonObject) r).await();
    System.out.printf("  graph of 1000: %d edges, total_nodes %d%s, total_edges %d%s%n", g.getJsonArray("edges").size(),
        g.getLong("total_nodes"), g.getBoolean("total_nodes_capped") ? "+" : "", g.getLong("total_edges"),
        g.getBoolean("total_edges_capped") ? "+" : "");
  }

  private static JsonObject ok(HttpResponse<Buffer> res) {
    if (res.statusCode() != 200) {
      throw new IllegalStateException("answered " + res.statusCode() + ": " + res.bodyAsString());
    }
    return res.bodyAsJsonObject();
  }
}
