package dev.mnemograph.benchmark;

import dev.mnemograph.api.search.QueryEmbeddings;
import dev.mnemograph.api.search.SearchQuery;
import dev.mnemograph.api.search.SearchRepository;
import dev.mnemograph.api.search.SearchService;
import dev.mnemograph.api.search.TermStatistics;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Transactions;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingModelChoice;
import dev.mnemograph.worker.embedding.EmbeddingText;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Search latency at 100,000 memories in one workspace, with 4 more workspaces of 5,000 around it, 4 concurrent
 * clients: end to end over HTTP (POST /memories/search), and beside it in the same run the query embedding
 * alone (the event-bus request to the worker) and the search SQL alone (the same statements with the vectors
 * computed beforehand).
 *
 * <p>The corpus: the 2,760 LoCoMo development turns, embedded once by the real model; the 120,000 rows cycle
 * through them, each vector moved by a little noise so that no two are equal. Rows go in by SQL (the HNSW
 * index is built after), since embedding 120,000 texts would take 20 minutes here and measure nothing about
 * search. Queries: the 760 LoCoMo questions, in turn.
 *
 * <p>Run on the embedded database: {@code ./mvnw -Pbenchmark verify -Dtest=SearchLatencyBenchmark}; on a real
 * PostgreSQL, with {@code MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://...} set (e.g. from
 * {@code .ci/native-postgres start}). {@code -Dbench.search.memories=N} changes the size,
 * {@code -Dbench.search.requests=N} the requests per measurement, {@code -Dbench.search.keep=true} leaves the
 * rows in the database afterwards.
 */
@Tag("benchmark")
class SearchLatencyBenchmark {
  private static final int MEMORIES = Integer.getInteger("bench.search.memories", 100_000);
  private static final int OTHER_WORKSPACES = 4;
  private static final int OTHER_EACH = Math.max(1, MEMORIES / 20);
  private static final int CLIENTS = 4;
  private static final int REQUESTS = Integer.getInteger("bench.search.requests", 2_000);
  private static final int WARM_UP = 200;
  private static final int INSERT_BATCH = 1_000;
  private static final double NOISE = 0.02;
  /** As in V002: dropped while the rows go in, built once after (much faster than row by row). */
  private static final String CREATE_HNSW =
      "CREATE INDEX memory_embedding_hnsw ON memory_embedding USING hnsw (embedding vector_cosine_ops)";

  @Test
  void search_latency_at_100k_memories_with_4_clients() throws Exception {
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATABASE_STATEMENT_TIMEOUT_MS, 1_800_000)   // the index build takes minutes
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    List<LocomoTurns.Turn> turns = LocomoTurns.load(Integer.MAX_VALUE);
    List<String> questions = LocomoTurns.questions().stream().map(LocomoTurns.Question::question).toList();

    long started = System.nanoTime();
    List<float[]> base;
    try (Embedder embedder = Embedder.load(EmbeddingModelChoice.of(config.embeddingModel()), 2)) {
      base = embedder.embedAll(turns.stream()
              .map(t -> EmbeddingText.of(t.title(), t.narrative(), List.of(), List.of())).toList())
          .stream().map(SearchLatencyBenchmark::floats).toList();
    }
    System.out.printf("%nSearchLatencyBenchmark on %s: embedded %d distinct turns in %.0f s%n",
        url.isEmpty() ? "the embedded PGlite" : "PostgreSQL at " + url.replaceAll("//[^@]*@", "//"),
        base.size(), (System.nanoTime() - started) / 1e9);

    try (Mnemograph service = Mnemograph.start(config)) {
      Pool pool = service.pool();
      WorkspaceRepository workspaces = new WorkspaceRepository(pool);
      NewApiKey big = workspaces.createWorkspace("bench-big-" + UUID.randomUUID(), "bench").await();
      List<String> made = new ArrayList<>(List.of(big.workspace().workspaceId()));
      try {
        run(service, config, big, made, turns, base, questions);
      } finally {
        if (Boolean.getBoolean("bench.search.keep")) {   // for EXPLAIN ANALYZE by hand afterwards
          return;
        }
        // a real PostgreSQL outlives the run: leave it as it was
        pool.preparedQuery("DELETE FROM workspace WHERE workspace_id = ANY($1)")
            .execute(Tuple.tuple().addArrayOfString(made.toArray(String[]::new))).await();
        pool.query(CREATE_HNSW.replace("INDEX", "INDEX IF NOT EXISTS")).execute().await();
        // and without 120,000 dead rows in its indexes, which slowed the next run's searches by a third
        pool.query("VACUUM (ANALYZE) memory").execute().await();
        pool.query("VACUUM (ANALYZE) memory_embedding").execute().await();
      }
    }
  }

  private static void run(Mnemograph service, AppConfig config, NewApiKey big, List<String> made,
                          List<LocomoTurns.Turn> turns, List<float[]> base, List<String> questions) {
    Pool pool = service.pool();
    WorkspaceRepository workspaces = new WorkspaceRepository(pool);
    long started = System.nanoTime();
    pool.query("DROP INDEX IF EXISTS memory_embedding_hnsw").execute().await();
    insert(pool, big.workspace().workspaceId(), turns, base, MEMORIES, 1);
    for (int w = 0; w < OTHER_WORKSPACES; w++) {
      String other = workspaces.createWorkspace("bench-other-" + UUID.randomUUID(), "bench").await()
          .workspace().workspaceId();
      made.add(other);
      insert(pool, other, turns, base, OTHER_EACH, 100 + w);
    }
    double inserted = (System.nanoTime() - started) / 1e9;
    started = System.nanoTime();
    pool.query(CREATE_HNSW).execute().await();
    pool.query("ANALYZE memory").execute().await();
    pool.query("ANALYZE memory_embedding").execute().await();
    System.out.printf("%d + %d x %d rows inserted in %.0f s, HNSW index built in %.0f s%n", MEMORIES,
        OTHER_WORKSPACES, OTHER_EACH, inserted, (System.nanoTime() - started) / 1e9);

    String ws = big.workspace().workspaceId();
    QueryEmbeddings queryEmbeddings = new QueryEmbeddings(service.vertx().eventBus(), Duration.ofSeconds(5));
    List<String> vectors = new ArrayList<>();
    for (String q : questions) {
      vectors.add(queryEmbeddings.embed(q).await().orElseThrow());
    }
    SearchRepository search = new SearchRepository(config.exactScanMaxRows());
    MemoryRepository memories = new MemoryRepository(pool, config.retentionDays());
    WebClient http = WebClient.create(service.vertx(),
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));

    IntFunction<Future<?>> embedding = i -> queryEmbeddings.embed(questions.get(i % questions.size()));
    IntFunction<Future<?>> sql = i -> Transactions.run(pool, conn -> search.candidates(conn, ws,
            SearchQuery.of(questions.get(i % questions.size())), true, vectors.get(i % vectors.size()),
            SearchService.candidatesPerSide(SearchQuery.DEFAULT_LIMIT))
        .compose(c -> memories.recordRetrievals(conn, ws, c.stream().limit(SearchQuery.DEFAULT_LIMIT)
            .map(x -> x.memoryId()).toList())));
    IntFunction<Future<?>> endToEnd = i -> http.post("/api/v1/memories/search")
        .putHeader("Authorization", "Token " + big.key())
        .sendJsonObject(new JsonObject().put("query", questions.get(i % questions.size())))
        .map(res -> {
          if (res.statusCode() != 200 || res.bodyAsJsonObject().getInteger("count") != SearchQuery.DEFAULT_LIMIT
              || !res.bodyAsJsonObject().getBoolean("semantic")) {
            throw new IllegalStateException("search answered " + res.statusCode() + ": " + res.bodyAsString());
          }
          return res;
        });

    // warm every path, then measure them one after the other, twice, and report the second round
    for (IntFunction<Future<?>> op : List.of(embedding, sql, endToEnd)) {
      Latency.measure(op, WARM_UP, CLIENTS);
    }
    System.out.printf("%n%d requests each, %d concurrent clients, workspace of %d memories:%n", REQUESTS, CLIENTS,
        MEMORIES);
    System.out.printf("%-34s %8s %8s %8s %8s%n", "", "p50 ms", "p95 ms", "p99 ms", "req/s");
    for (int round = 0; round < 2; round++) {
      Latency.Stats e = Latency.measure(embedding, REQUESTS, CLIENTS);
      Latency.Stats s = Latency.measure(sql, REQUESTS, CLIENTS);
      Latency.Stats h = Latency.measure(endToEnd, REQUESTS, CLIENTS);
      if (round == 1) {
        e.print("query embedding alone (event bus)");
        s.print("search SQL alone");
        h.print("POST /memories/search (HTTP)");
        System.out.printf("end-to-end p50 / (embedding p50 + SQL p50) = %.2f%n%n", h.p(50) / (e.p(50) + s.p(50)));
      }
    }
    // the same one request at a time: what a single agent sees when the 2 cores are not shared
    System.out.printf("one client, %d requests each:%n", REQUESTS / 4);
    Latency.measure(embedding, REQUESTS / 4, 1).print("query embedding alone (event bus)");
    Latency.measure(sql, REQUESTS / 4, 1).print("search SQL alone");
    Latency.measure(endToEnd, REQUESTS / 4, 1).print("POST /memories/search (HTTP)");
    System.out.println();
    explainKeywordPath(pool, ws, questions.get(0));
    indexRecall(pool, config, ws, questions, vectors);
  }

  private static void insert(Pool pool, String workspaceId, List<LocomoTurns.Turn> turns, List<float[]> base, int rows,
                             long seed) {
    Random random = new Random(seed);
    for (int from = 0; from < rows; from += INSERT_BATCH) {
      int n = Math.min(INSERT_BATCH, rows - from);
      String[] ids = new String[n];
      String[] titles = new String[n];
      String[] narratives = new String[n];
      String[] vectors = new String[n];
      for (int i = 0; i < n; i++) {
        int t = (from + i) % turns.size();
        ids[i] = "mem-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        titles[i] = turns.get(t).title();
        narratives[i] = turns.get(t).narrative();
        vectors[i] = noisy(base.get(t), random);
      }
      pool.preparedQuery("""
              WITH r AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS r(id, title, narrative, v)),
                   m AS (INSERT INTO memory (memory_id, workspace_id, title, narrative, memory_type)
                         SELECT id, $1, title, narrative, 'discovery' FROM r RETURNING memory_id)
              INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
              SELECT $1, m.memory_id, r.v::vector, 'bge-small-en-v1.5-q' FROM m JOIN r ON r.id = m.memory_id""")
          .execute(Tuple.of(workspaceId).addArrayOfString(ids).addArrayOfString(titles).addArrayOfString(narratives)
              .addArrayOfString(vectors)).await();
    }
  }

  /** pgvector's text form back to numbers. */
  private static float[] floats(String vector) {
    String[] parts = vector.substring(1, vector.length() - 1).split(",");
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Float.parseFloat(parts[i]);
    }
    return out;
  }

  private static String noisy(float[] v, Random random) {
    float[] out = new float[v.length];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] + random.nextGaussian() * NOISE);
      norm += out[i] * out[i];
    }
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < out.length; i++) {
      s.append(i == 0 ? "" : ",").append((float) (out[i] / Math.sqrt(norm)));
    }
    return s.append(']').toString();
  }

  /** How many of the exact top 10 by meaning the HNSW path (iterative scan) finds in the big workspace. */
  private static void indexRecall(Pool pool, AppConfig config, String ws, List<String> questions, List<String> vectors) {
    SearchRepository indexed = new SearchRepository(config.exactScanMaxRows());
    SearchRepository exact = new SearchRepository(Integer.MAX_VALUE - 1);
    int queries = 50;
    double found = 0;
    for (int i = 0; i < queries; i++) {
      SearchQuery q = new SearchQuery(questions.get(i), List.of(), List.of(), List.of(), List.of(), null,
          SearchQuery.DEFAULT_LIMIT, true, false, false);
      String v = vectors.get(i);
      List<String> truth = pool.withTransaction(c -> exact.candidates(c, ws, q, false, v, 10)).await().stream()
          .map(x -> x.memoryId()).toList();
      found += pool.withTransaction(c -> indexed.candidates(c, ws, q, false, v, 10)).await().stream()
          .filter(x -> truth.contains(x.memoryId())).count();
    }
    System.out.printf("semantic top 10 through the HNSW index against an exact scan of the %d-memory workspace: "
        + "recall %.3f over %d questions%n", MEMORIES, found / (queries * 10), queries);
  }

  /** The plan of the keyword side for one question, to show it is served by the GIN index. */
  private static void explainKeywordPath(Pool pool, String workspaceId, String question) {
    String plan = pool.withTransaction(conn -> new TermStatistics().of(conn, workspaceId, question)
        .compose(terms -> conn.preparedQuery("EXPLAIN " + SearchRepository.sql(true, false, true))
            .execute(Tuple.tuple().addString(workspaceId).addArrayOfString(terms.lexemes().toArray(String[]::new))
                .addString(null).addArrayOfString(null).addArrayOfString(null).addArrayOfString(null)
                .addArrayOfString(null).addDouble(null).addInteger(50)
                .addArrayOfInteger(terms.frequencies().toArray(Integer[]::new)))))
        .await().stream().map(r -> r.getString(0)).reduce("", (x, y) -> x + y + "\n");
    System.out.printf("keyword side's plan for \"%s\" (sequential scans of memory: %s):%n%s%n", question,
        plan.contains("Seq Scan on memory") ? "yes" : "none", plan);
  }
}
