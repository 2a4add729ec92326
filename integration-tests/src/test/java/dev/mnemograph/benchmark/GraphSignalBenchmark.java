package dev.mnemograph.benchmark;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Does a graph signal help search on the LoCoMo development split? The corpus of RetrievalBenchmark (every
 * turn a memory, a workspace per conversation), then, once every workspace's graph analysis has seen every
 * change (PageRank written back), each answerable question's hybrid top {@value #TOP} through
 * POST /memories/search, re-ranked here under each variant on the same results:
 * <ul>
 *   <li>baseline: the service's order (its score already holds 0.1 x importance, and the learned importance
 *       0.1 x PageRank, so PageRank weighs 0.01 in it);</li>
 *   <li>score + w x pagerank_score;</li>
 *   <li>one-hop: score + b x confidence for each result joined by an edge (either direction, any type; the
 *       highest confidence when several) to one of the baseline's top {@value #HOP_SEEDS}.</li>
 * </ul>
 * Edges and PageRank are read once per workspace by SQL after the analysis, so the reads record no accesses.
 * Nothing here changes the service's ranking.
 *
 * <p>Two runs (2 cores, embedded PGlite, 2,760 memories, 760 questions) gave the same numbers to the third
 * decimal: baseline R@5 0.648 / R@10 0.728; + w x pagerank lost at every w (0.02: 0.643/0.723, 0.2:
 * 0.580/0.672); taking PageRank's 0.01 out gave 0.654/0.728; one-hop + 0.02 x confidence 0.648/0.732, + 0.05
 * 0.638/0.724, + 0.1 0.614/0.703. The graph here is only similar_to edges (turns carry no files or concepts),
 * every memory has them, and evidence turns are less central than the average turn (mean PageRank 0.251
 * against 0.275).
 *
 * <p>Run: {@code ./mvnw -Pbenchmark verify -pl integration-tests -am -Dtest=GraphSignalBenchmark} (about 5 minutes
 * on 2 cores). {@code MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://...} runs it on a real PostgreSQL (its
 * workspaces are deleted afterwards).
 */
@Tag("benchmark")
class GraphSignalBenchmark {
  private static final int TOP = 30;
  private static final int HOP_SEEDS = 3;
  private static final int[] KS = {5, 10};

  /** A result of the service's top {@value #TOP}, in its order. */
  private record Hit(String memoryId, int position, double score, double pagerank) {
  }

  /** What a variant may use besides the hits: the workspace's edges, memory -> neighbour -> confidence. */
  private interface Variant {
    List<Hit> rank(List<Hit> hits, Map<String, Map<String, Double>> edges);
  }

  @Test
  void locomo_recall_with_pagerank_and_one_hop_boosts() throws Exception {
    long started = System.nanoTime();
    List<LocomoTurns.Turn> turns = LocomoTurns.load(Integer.MAX_VALUE);
    List<LocomoTurns.Question> questions = LocomoTurns.questions();
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    try (Mnemograph service = Mnemograph.start(config)) {
      WebClient http = WebClient.create(service.vertx(),
          new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
      LocomoIngest.Corpus corpus = LocomoIngest.store(service, http, turns);
      try {
        run(service, http, corpus, turns, questions, url, started);
      } finally {
        if (!url.isEmpty()) {   // a real PostgreSQL outlives the run
          service.pool().preparedQuery("DELETE FROM workspace WHERE workspace_id = ANY($1)")
              .execute(Tuple.tuple().addArrayOfString(corpus.workspaces().values().stream()
                  .map(k -> k.workspace().workspaceId()).toArray(String[]::new))).await();
        }
      }
    }
  }

  private static void run(Mnemograph service, WebClient http, LocomoIngest.Corpus corpus,
                          List<LocomoTurns.Turn> turns, List<LocomoTurns.Question> questions, String url,
                          long started) throws InterruptedException {
    for (String c : corpus.workspaces().keySet()) {
      LocomoIngest.awaitEmbedded(http, corpus.key(c), Duration.ofMinutes(15));
    }
    double embeddedAt = seconds(started);
    Map<String, JsonObject> graphRuns = new TreeMap<>();
    for (String c : corpus.workspaces().keySet()) {
      graphRuns.put(c, LocomoIngest.awaitGraphAnalysed(http, corpus.key(c), Duration.ofMinutes(15)));
    }
    double analysedAt = seconds(started);

    Map<String, Map<String, Map<String, Double>>> edges = new HashMap<>();   // conversation -> adjacency
    Map<String, Double> pagerank = new HashMap<>();                            // memory_id -> pagerank_score
    Map<String, String> memoryOf = new HashMap<>();                            // conversation/dia_id -> memory_id
    Map<String, Long> edgeTypes = new TreeMap<>();
    for (String c : corpus.workspaces().keySet()) {
      String ws = corpus.workspaceId(c);
      Map<String, Map<String, Double>> adjacency = new HashMap<>();
      for (Row r : service.pool().preparedQuery("""
              SELECT source_memory_id, target_memory_id, relationship_type, confidence
              FROM memory_relationship WHERE workspace_id = $1""").execute(Tuple.of(ws)).await()) {
        String a = r.getString(0);
        String b = r.getString(1);
        double confidence = r.getDouble(3);
        adjacency.computeIfAbsent(a, x -> new HashMap<>()).merge(b, confidence, Math::max);
        adjacency.computeIfAbsent(b, x -> new HashMap<>()).merge(a, confidence, Math::max);
        edgeTypes.merge(r.getString(2), 1L, Long::sum);
      }
      edges.put(c, adjacency);
      for (Row r : service.pool().preparedQuery("SELECT memory_id, pagerank_score FROM memory WHERE workspace_id = $1")
          .execute(Tuple.of(ws)).await()) {
        pagerank.put(r.getString(0), r.getDouble(1) == null ? 0 : r.getDouble(1));
        memoryOf.put(c + "/" + corpus.diaIds().get(r.getString(0)), r.getString(0));
      }
    }

    System.out.printf("%nGraphSignalBenchmark on %s%n", url.isEmpty() ? "the embedded PGlite"
        : "PostgreSQL at " + url.replaceAll("//[^@]*@", "//"));
    System.out.printf("LoCoMo dev: %d turns in %d workspaces stored and embedded in %.0f s, graphs analysed at "
        + "%.0f s; %d questions%n", turns.size(), corpus.workspaces().size(), embeddedAt, analysedAt, questions.size());
    graphRuns.forEach((c, r) -> System.out.printf("  conversation %s: %d memories, %d connected pairs, %d "
        + "communities, analysis %d ms%n", c, r.getInteger("nodes"), r.getInteger("edges"),
        r.getInteger("communities"), r.getInteger("duration_ms")));
    System.out.printf("  edges by type: %s%n", edgeTypes);
    describePagerank(questions, memoryOf, pagerank, edges);

    Map<String, Variant> variants = variants();
    Map<String, Recall> recall = new LinkedHashMap<>();
    variants.keySet().forEach(name -> recall.put(name, new Recall()));
    Recall limit10 = new Recall();
    Map<String, Integer> changed = new LinkedHashMap<>();
    long questionsStarted = System.nanoTime();
    for (LocomoTurns.Question q : questions) {
      String key = corpus.key(q.conversation());
      Set<String> evidence = Set.copyOf(q.evidence());
      List<Hit> hits = hits(search(http, key, q.question(), TOP));
      limit10.add(q.category(), dia(hits(search(http, key, q.question(), 10)), corpus), evidence);
      List<String> base = dia(hits, corpus);
      for (Map.Entry<String, Variant> v : variants.entrySet()) {
        List<String> ranked = dia(v.getValue().rank(hits, edges.get(q.conversation())), corpus);
        recall.get(v.getKey()).add(q.category(), ranked, evidence);
        if (!Set.copyOf(ranked.subList(0, Math.min(10, ranked.size())))
            .equals(Set.copyOf(base.subList(0, Math.min(10, base.size()))))) {
          changed.merge(v.getKey(), 1, Integer::sum);   // a different top 10, not only another order
        }
      }
    }
    double questionSeconds = seconds(questionsStarted);

    System.out.printf("%n%-52s %6s %6s   %-28s %s%n", "hybrid top " + TOP + ", re-ranked client-side", "R@5",
        "R@10", "R@10 by category 1/2/3/4", "other top-10 set");
    recall.forEach((name, r) -> System.out.printf("%-52s %6.3f %6.3f   %-28s %d of %d%n", name, r.at(5), r.at(10),
        r.byCategory(), changed.getOrDefault(name, 0), r.n));
    System.out.printf("%-52s %6.3f %6.3f   %-28s%n", "(service's own top 10, limit 10: 50 candidates a side)",
        limit10.at(5), limit10.at(10), limit10.byCategory());
    Recall baseline = recall.values().iterator().next();
    System.out.printf("%nquestions: %d (categories %s); the %d searches of %d results each and %d of 10 took %.0f s;"
            + " whole run %.0f s%n", baseline.n, baseline.counts(), questions.size(), TOP, questions.size(),
        questionSeconds, seconds(started));
    System.out.println();
  }

  private static Map<String, Variant> variants() {
    Map<String, Variant> out = new LinkedHashMap<>();
    out.put("baseline (service order, limit " + TOP + ")", (hits, edges) -> hits);
    out.put("- 0.01 x pagerank (centrality out of importance)", plusPagerank(-0.01));
    for (double w : new double[] {0.02, 0.05, 0.1, 0.2}) {
      out.put("+ " + w + " x pagerank_score", plusPagerank(w));
    }
    for (double b : new double[] {0.02, 0.05, 0.1}) {
      out.put("one-hop: + " + b + " x confidence of edge to top " + HOP_SEEDS, oneHop(b));
    }
    return out;
  }

  private static Variant plusPagerank(double w) {
    return (hits, edges) -> rerank(hits, h -> h.score() + w * h.pagerank());
  }

  private static Variant oneHop(double b) {
    return (hits, edges) -> {
      List<Map<String, Double>> seeds = hits.stream().limit(HOP_SEEDS)
          .map(h -> edges.getOrDefault(h.memoryId(), Map.of())).toList();
      return rerank(hits, h -> {
        double best = 0;
        for (int s = 0; s < seeds.size(); s++) {
          if (s != h.position()) {
            best = Math.max(best, seeds.get(s).getOrDefault(h.memoryId(), 0.0));
          }
        }
        return h.score() + b * best;
      });
    };
  }

  /** By the new score, best first; equal scores keep the service's order. */
  private static List<Hit> rerank(List<Hit> hits, Function<Hit, Double> score) {
    Map<Hit, Double> s = new HashMap<>();
    hits.forEach(h -> s.put(h, score.apply(h)));
    List<Hit> out = new ArrayList<>(hits);
    out.sort(Comparator.comparingDouble((Hit h) -> -s.get(h)).thenComparingInt(Hit::position));
    return out;
  }

  /**
   * How PageRank sits with the answers: its mean over all turns and over evidence turns, and how often an
   * evidence turn is joined by an edge to another evidence turn of the same question.
   */
  private static void describePagerank(List<LocomoTurns.Question> questions, Map<String, String> memoryOf,
                                       Map<String, Double> pagerank, Map<String, Map<String, Map<String, Double>>> edges) {
    double all = pagerank.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    List<Double> evidence = new ArrayList<>();
    int multi = 0;
    int linked = 0;
    for (LocomoTurns.Question q : questions) {
      List<String> ms = q.evidence().stream().map(d -> memoryOf.get(q.conversation() + "/" + d))
          .filter(m -> m != null).distinct().toList();
      ms.forEach(m -> evidence.add(pagerank.getOrDefault(m, 0.0)));
      if (ms.size() > 1) {
        multi++;
        Map<String, Map<String, Double>> adj = edges.get(q.conversation());
        boolean any = ms.stream().anyMatch(a -> ms.stream().anyMatch(b -> !a.equals(b)
            && adj.getOrDefault(a, Map.of()).containsKey(b)));
        linked += any ? 1 : 0;
      }
    }
    long connected = edges.values().stream().mapToLong(Map::size).sum();
    System.out.printf("  memories with an edge: %d of %d; mean pagerank_score %.3f over all turns, %.3f over "
            + "the %d evidence turns of the questions; questions with 2+ evidence turns: %d, of which %d have two "
            + "joined by an edge%n", connected, pagerank.size(), all,
        evidence.stream().mapToDouble(Double::doubleValue).average().orElse(0), evidence.size(), multi, linked);
  }

  private static JsonObject search(WebClient http, String key, String query, int limit) {
    var res = http.post("/api/v1/memories/search").putHeader("Authorization", "Token " + key)
        .sendJsonObject(new JsonObject().put("query", query).put("limit", limit)).await();
    if (res.statusCode() != 200) {
      throw new AssertionError("search answered " + res.statusCode() + ": " + res.bodyAsString());
    }
    return res.bodyAsJsonObject();
  }

  private static List<Hit> hits(JsonObject answer) {
    List<Hit> out = new ArrayList<>();
    for (Object o : answer.getJsonArray("results")) {
      JsonObject r = (JsonObject) o;
      JsonObject m = r.getJsonObject("memory");
      Double pr = m.getDouble("pagerank_score");
      out.add(new Hit(m.getString("memory_id"), out.size(), r.getDouble("score"), pr == null ? 0 : pr));
    }
    return out;
  }

  private static List<String> dia(List<Hit> hits, LocomoIngest.Corpus corpus) {
    return hits.stream().map(h -> corpus.diaIds().get(h.memoryId())).toList();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Mean recall@k over questions, overall and by LoCoMo category. */
  private static final class Recall {
    private final Map<Integer, Double> sums = new HashMap<>();
    private final Map<Integer, double[]> byCategory = new TreeMap<>();   // category -> {sum R@10, n}
    private int n;

    void add(int category, List<String> ranked, Set<String> evidence) {
      n++;
      for (int k : KS) {
        long found = ranked.stream().limit(k).filter(evidence::contains).distinct().count();
        double r = (double) found / evidence.size();
        sums.merge(k, r, Double::sum);
        if (k == 10) {
          double[] c = byCategory.computeIfAbsent(category, x -> new double[2]);
          c[0] += r;
          c[1]++;
        }
      }
    }

    double at(int k) {
      return n == 0 ? 0 : sums.getOrDefault(k, 0.0) / n;
    }

    String byCategory() {
      return byCategory.values().stream().map(c -> String.format("%.3f", c[0] / c[1]))
          .collect(Collectors.joining("/"));
    }

    String counts() {
      return byCategory.entrySet().stream().map(e -> e.getKey() + ": " + (int) e.getValue()[1])
          .collect(Collectors.joining(", "));
    }
  }
}
