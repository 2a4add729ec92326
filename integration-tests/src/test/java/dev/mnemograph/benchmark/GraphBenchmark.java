package dev.mnemograph.benchmark;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.worker.graph.CommunityLabels;
import dev.mnemograph.worker.graph.GraphAnalysis;
import dev.mnemograph.worker.graph.GraphAnalysisWorker;
import dev.mnemograph.worker.graph.GraphStore;
import dev.mnemograph.worker.graph.WorkspaceNetwork;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.jgrapht.alg.clustering.LabelPropagationClustering;
import org.jgrapht.alg.util.Triple;
import org.jgrapht.opt.graph.sparse.SparseIntUndirectedWeightedGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The graph job on synthetic workspaces of 10,000 and 100,000 memories with ~10 edges each (a planted
 * partition: blocks of 200 memories, half of each memory's edges inside its block), timed phase by phase:
 * loading, PageRank, communities, write-back, and the whole job; beside Leiden, JGraphT's label propagation
 * on the same graphs (time and modularity).
 *
 * <p>Run: {@code ./mvnw -Pbenchmark verify -pl integration-tests -Dtest=GraphBenchmark}; on a real PostgreSQL with
 * {@code MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://...}. {@code -Dbench.graph.sizes=10000,100000} sets the
 * sizes. Rows go in by SQL; the workspaces are deleted afterwards.
 */
@Tag("benchmark")
class GraphBenchmark {
  private static final String SIZES = System.getProperty("bench.graph.sizes", "10000,100000");
  private static final int EDGES_EACH = 10;
  private static final String[] CONCEPTS = {"database", "caching", "testing", "deployment", "security",
      "observability", "api-design", "performance", "migrations", "queues", "auth", "frontend"};

  @Test
  void graph_job_at_10k_and_100k_memories() {
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATABASE_STATEMENT_TIMEOUT_MS, 1_800_000)
        // the benchmark runs the job itself, phase by phase: keep the service's own runs away
        .put(AppConfig.GRAPH_ANALYSIS_DELAY_MS, 3_600_000)
        .put(AppConfig.GRAPH_ANALYSIS_MAX_WAIT_MS, 3_600_000)
        .put(AppConfig.GRAPH_ANALYSIS_INTERVAL_MINUTES, 100_000)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    System.out.printf("%nGraphBenchmark on %s, %d cores, max heap %d MiB%n",
        url.isEmpty() ? "the embedded PGlite" : "PostgreSQL at " + url.replaceAll("//[^@]*@", "//"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    try (Mnemograph service = Mnemograph.start(config)) {
      Pool pool = service.pool();
      WorkerExecutor cpu = service.vertx().createSharedWorkerExecutor("bench-graph", 1);
      for (String size : SIZES.split(",")) {
        int n = Integer.parseInt(size.trim());
        NewApiKey ws = new WorkspaceRepository(pool).createWorkspace("bench-graph-" + UUID.randomUUID(), "b").await();
        String workspaceId = ws.workspace().workspaceId();
        try {
          run(pool, cpu, workspaceId, n);
        } finally {
          pool.preparedQuery("DELETE FROM workspace WHERE workspace_id = $1").execute(Tuple.of(workspaceId)).await();
        }
      }
      cpu.close().await();
    }
  }

  private static void run(Pool pool, WorkerExecutor cpu, String workspaceId, int n) {
    long t = System.nanoTime();
    insert(pool, workspaceId, n);
    long edges = pool.preparedQuery("SELECT count(*) FROM memory_relationship WHERE workspace_id = $1")
        .execute(Tuple.of(workspaceId)).await().iterator().next().getLong(0);
    System.out.printf("%n%,d memories, %,d edge rows inserted in %.1f s%n", n, edges, (System.nanoTime() - t) / 1e9);

    GraphStore store = new GraphStore(pool);
    for (int round = 1; round <= 2; round++) {
      long heapBefore = usedAfterGc();
      resetPeaks();
      t = System.nanoTime();
      WorkspaceNetwork net = store.load(workspaceId).await();
      long load = ms(t);
      long retained = usedAfterGc() - heapBefore;
      long loadPeak = peak() - heapBefore;
      resetPeaks();
      t = System.nanoTime();
      double[] pagerank = GraphAnalysis.pagerank(net);
      long pr = ms(t);
      long prPeak = peak() - heapBefore;
      resetPeaks();
      t = System.nanoTime();
      int[] community = GraphAnalysis.communities(net);
      List<String> names = CommunityLabels.of(net, community);
      long leiden = ms(t);
      long leidenPeak = peak() - heapBefore;
      String[] labels = new String[n];
      for (int v = 0; v < net.nodes(); v++) {
        labels[v] = community[v] < 0 ? null : names.get(community[v]);
      }
      t = System.nanoTime();
      int written = store.write(workspaceId, net.memoryIds(), pagerank, labels).await();
      long write = ms(t);
      System.out.printf("  round %d: load %,d ms (network retained %d MiB, peak +%d MiB) | PageRank %,d ms "
              + "(peak +%d MiB) | Leiden + labels %,d ms (peak +%d MiB, %d communities, Q %.4f) | write-back %,d ms "
              + "(%,d rows changed)%n", round, load, retained >> 20, loadPeak >> 20, pr, prPeak >> 20, leiden,
          leidenPeak >> 20, names.size(), GraphAnalysis.modularity(net, community), write, written);
      if (round == 2) {
        t = System.nanoTime();
        double[] reference = GraphAnalysis.pagerankWithJGraphT(net);
        long jgrapht = ms(t);
        double maxDiff = 0;
        for (int v = 0; v < net.nodes(); v++) {
          maxDiff = Math.max(maxDiff, Math.abs(reference[v] - pagerank[v]));
        }
        System.out.printf("  PageRank by JGraphT on the same graph: %,d ms, largest difference %.2e%n", jgrapht, maxDiff);
        labelPropagation(net);
      }
    }
    // the whole job as the worker runs it (the values are already written: the write-back finds no change,
    // so change one in ten PageRanks first by clearing them)
    pool.preparedQuery("UPDATE memory SET pagerank_score = NULL WHERE workspace_id = $1 AND random() < 0.1")
        .execute(Tuple.of(workspaceId)).await();
    t = System.nanoTime();
    GraphAnalysisWorker.Report report = GraphAnalysisWorker.analyse(store, cpu, workspaceId).await();
    System.out.printf("  whole job: %,d ms (load %,d, PageRank %,d, communities %,d, write-back %,d; %,d rows)%n",
        ms(t), report.timings().load(), report.timings().pagerank(), report.timings().communities(),
        report.timings().write(), report.written());
  }

  /** JGraphT's label propagation on the same undirected weighted graph (it ignores the weights). */
  private static void labelPropagation(WorkspaceNetwork net) {
    List<Triple<Integer, Integer, Double>> edges = new ArrayList<>(net.pairs());
    for (int i = 0; i < net.pairs(); i++) {
      edges.add(Triple.of(net.a()[i], net.b()[i], net.weight()[i]));
    }
    SparseIntUndirectedWeightedGraph g = new SparseIntUndirectedWeightedGraph(net.nodes(), edges);
    long t = System.nanoTime();
    List<Set<Integer>> clusters = new LabelPropagationClustering<>(g, 0, new Random(7)).getClustering().getClusters();
    long lp = ms(t);
    int[] community = new int[net.nodes()];
    for (int c = 0; c < clusters.size(); c++) {
      for (int v : clusters.get(c)) {
        community[v] = clusters.get(c).size() > 1 ? c : -1;
      }
    }
    System.out.printf("  label propagation (JGraphT) on the same graph: %,d ms, %d clusters, Q %.4f%n", lp,
        clusters.size(), GraphAnalysis.modularity(net, community));
  }

  /** Memories with a concept each, and ~10 similar_to edges per memory, half inside its block of 200. */
  private static void insert(Pool pool, String workspaceId, int n) {
    int batch = 10_000;
    for (int from = 0; from < n; from += batch) {
      pool.preparedQuery("""
              INSERT INTO memory (memory_id, workspace_id, title, narrative, concepts)
              SELECT 'mem-g' || lpad(i::text, 11, '0') || substr($1, 4, 4), $1, 'Synthetic memory ' || i,
                     'A synthetic memory for the graph benchmark.', ARRAY[($4::text[])[(i / 200) % 12 + 1]]
              FROM generate_series($2::int, $3::int) i""")
          .execute(Tuple.of(workspaceId, from, Math.min(n, from + batch) - 1).addArrayOfString(CONCEPTS)).await();
    }
    int memoriesPerBatch = 20_000;
    for (int from = 0; from < n; from += memoriesPerBatch) {
      pool.preparedQuery("""
              INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                               discovery_method, confidence, is_bidirectional)
              SELECT $1, 'mem-g' || lpad(i::text, 11, '0') || substr($1, 4, 4),
                     'mem-g' || lpad(t::text, 11, '0') || substr($1, 4, 4),
                     'similar_to', 'embedding_similarity', 0.5 + random() / 2, true
              FROM generate_series($2::int, $3::int) i, generate_series(1, $5::int) j,
                   LATERAL (SELECT CASE WHEN j % 2 = 0 THEN (i / 200) * 200 + floor(random() * 200)::int
                                        ELSE floor(random() * $4::int)::int END % $4::int AS t) x
              WHERE t <> i
              ON CONFLICT DO NOTHING""")
          .execute(Tuple.of(workspaceId, from, Math.min(n, from + memoriesPerBatch) - 1, n, EDGES_EACH)).await();
    }
    pool.query("ANALYZE memory").execute().await();
    pool.query("ANALYZE memory_relationship").execute().await();
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static long usedAfterGc() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peak() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }
}
