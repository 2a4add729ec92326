package dev.mnemograph.benchmark;

import dev.mnemograph.api.search.HybridRanking.Fusion;
import dev.mnemograph.api.search.HybridRanking.KeywordScale;
import dev.mnemograph.api.search.HybridRanking.SemanticScale;
import dev.mnemograph.api.search.HybridRanking;
import dev.mnemograph.api.search.SearchCandidate;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Retrieval quality on the LoCoMo development split (../shared/data/locomo-dev): every dialogue turn of a
 * conversation stored as one memory (title: speaker and session date; narrative: the turn) in a workspace of
 * its own; every answerable question (categories 1-4) asked through POST /memories/search; recall@k = the
 * share of a question's evidence turns in the top k, averaged over questions.
 *
 * <p>Hybrid (the service's ranking), keyword-only ({@code use_semantic=false}) and semantic-only
 * ({@code use_keyword=false}) through the same API in the same run; then other fusions re-ranked on the same
 * candidates (the explained top 100 of each question), which is how the default was chosen.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark verify -Dtest=RetrievalBenchmark} (about 2 minutes on 2 cores).
 */
@Tag("benchmark")
class RetrievalBenchmark {
  @Test
  void locomo_recall_of_hybrid_keyword_and_semantic_search() throws Exception {
    List<LocomoTurns.Turn> turns = LocomoTurns.load(Integer.MAX_VALUE);
    List<LocomoTurns.Question> questions = LocomoTurns.questions();
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    try (Mnemograph service = Mnemograph.start(config)) {
      WebClient http = WebClient.create(service.vertx(),
          new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
      long started = System.nanoTime();
      LocomoIngest.Corpus corpus = LocomoIngest.store(service, http, turns);
      Map<String, String> diaIds = corpus.diaIds();
      for (String conversation : corpus.workspaces().keySet()) {
        LocomoIngest.awaitEmbedded(http, corpus.key(conversation), Duration.ofMinutes(10));
      }
      System.out.printf("%nLoCoMo dev: %d turns in %d workspaces stored and embedded in %.0f s; %d questions%n",
          turns.size(), corpus.workspaces().size(), (System.nanoTime() - started) / 1e9, questions.size());

      Map<String, Recall> modes = new LinkedHashMap<>();
      modes.put("hybrid (service default)", new Recall());
      modes.put("keyword only (use_semantic=false)", new Recall());
      modes.put("semantic only (use_keyword=false)", new Recall());
      Map<String, HybridRanking> fusions = alternatives();
      Map<String, Recall> refused = new LinkedHashMap<>();
      fusions.keySet().forEach(name -> refused.put(name, new Recall()));
      Map<Integer, Recall> byCategory = new TreeMap<>();
      List<Long> latencies = new ArrayList<>();

      for (LocomoTurns.Question q : questions) {
        String key = corpus.key(q.conversation());
        Set<String> evidence = Set.copyOf(q.evidence());
        long sent = System.nanoTime();
        List<String> hybrid = ids(search(http, key, body(q, 10)), diaIds);
        latencies.add(System.nanoTime() - sent);
        modes.get("hybrid (service default)").add(hybrid, evidence);
        byCategory.computeIfAbsent(q.category(), c -> new Recall()).add(hybrid, evidence);
        modes.get("keyword only (use_semantic=false)")
            .add(ids(search(http, key, body(q, 10).put("use_semantic", false)), diaIds), evidence);
        modes.get("semantic only (use_keyword=false)")
            .add(ids(search(http, key, body(q, 10).put("use_keyword", false)), diaIds), evidence);

        List<SearchCandidate> candidates = candidates(search(http, key, body(q, 100).put("explain", true)));
        for (Map.Entry<String, HybridRanking> f : fusions.entrySet()) {
          List<String> ranked = f.getValue().rank(candidates, true, true).stream()
              .map(r -> diaIds.get(r.candidate().memoryId())).limit(10).toList();
          refused.get(f.getKey()).add(ranked, evidence);
        }
      }

      System.out.printf("%n%-44s %6s %6s%n", "through POST /memories/search", "R@5", "R@10");
      modes.forEach((name, r) -> System.out.printf("%-44s %6.3f %6.3f%n", name, r.at(5), r.at(10)));
      System.out.printf("%nhybrid R@10 by category: %s%n", byCategory.entrySet().stream()
          .map(e -> e.getKey() + ": " + String.format("%.3f", e.getValue().at(10)) + " (" + e.getValue().n + ")")
          .collect(Collectors.joining(", ")));
      latencies.sort(null);
      System.out.printf("hybrid search round trip while measuring (embedded DB, one client): p50 %.1f ms, p95 %.1f ms%n",
          latencies.get(latencies.size() / 2) / 1e6, latencies.get(latencies.size() * 95 / 100) / 1e6);
      System.out.printf("%n%-44s %6s %6s%n", "other fusions on the same candidates", "R@5", "R@10");
      refused.forEach((name, r) -> System.out.printf("%-44s %6.3f %6.3f%n", name, r.at(5), r.at(10)));
      System.out.println();
    }
  }

  private static Map<String, HybridRanking> alternatives() {
    KeywordScale relative = KeywordScale.RELATIVE;
    KeywordScale times = KeywordScale.RELATIVE_TIMES_COVERAGE;
    KeywordScale plus = KeywordScale.RELATIVE_AND_COVERAGE;
    SemanticScale cosine = SemanticScale.COSINE;
    SemanticScale minMax = SemanticScale.MIN_MAX;
    Map<String, HybridRanking> out = new LinkedHashMap<>();
    out.put("weighted .3/.6/.1, relative x coverage (default)", HybridRanking.DEFAULT);
    out.put("weighted .3/.6/.1, relative", new HybridRanking(Fusion.WEIGHTED, 0.3, 0.6, 0.1, relative, cosine));
    out.put("weighted .3/.6/.1, relative + coverage", new HybridRanking(Fusion.WEIGHTED, 0.3, 0.6, 0.1, plus, cosine));
    out.put("weighted .4/.5/.1, relative x coverage", new HybridRanking(Fusion.WEIGHTED, 0.4, 0.5, 0.1, times, cosine));
    out.put("weighted .5/.4/.1, relative x coverage", new HybridRanking(Fusion.WEIGHTED, 0.5, 0.4, 0.1, times, cosine));
    out.put("weighted .2/.7/.1, relative x coverage", new HybridRanking(Fusion.WEIGHTED, 0.2, 0.7, 0.1, times, cosine));
    out.put("weighted .3/.6/.1, relative x cov., min-max", new HybridRanking(Fusion.WEIGHTED, 0.3, 0.6, 0.1, times, minMax));
    out.put("weighted .5/.4/.1, relative x cov., min-max", new HybridRanking(Fusion.WEIGHTED, 0.5, 0.4, 0.1, times, minMax));
    out.put("weighted .3/.6/.1, relative, min-max", new HybridRanking(Fusion.WEIGHTED, 0.3, 0.6, 0.1, relative, minMax));
    out.put("reciprocal rank .5/.5/0", new HybridRanking(Fusion.RECIPROCAL_RANK, 0.5, 0.5, 0, relative, cosine));
    out.put("reciprocal rank .3/.6/.1", new HybridRanking(Fusion.RECIPROCAL_RANK, 0.3, 0.6, 0.1, relative, cosine));
    return out;
  }

  private static JsonObject body(LocomoTurns.Question q, int limit) {
    return new JsonObject().put("query", q.question()).put("limit", limit);
  }

  private static JsonObject search(WebClient http, String key, JsonObject body) {
    var res = http.post("/api/v1/memories/search").putHeader("Authorization", "Token " + key)
        .sendJsonObject(body).await();
    if (res.statusCode() != 200) {
      throw new AssertionError("search answered " + res.statusCode() + ": " + res.bodyAsString());
    }
    return res.bodyAsJsonObject();
  }

  private static List<String> ids(JsonObject answer, Map<String, String> diaIds) {
    List<String> out = new ArrayList<>();
    for (Object r : answer.getJsonArray("results")) {
      out.add(diaIds.get(((JsonObject) r).getJsonObject("memory").getString("memory_id")));
    }
    return out;
  }

  /** The raw signals of each explained result, as the service's ranking saw them. */
  private static List<SearchCandidate> candidates(JsonObject answer) {
    List<SearchCandidate> out = new ArrayList<>();
    for (Object o : answer.getJsonArray("results")) {
      JsonObject r = (JsonObject) o;
      JsonObject e = r.getJsonObject("explanation");
      JsonObject kw = e.getJsonObject("keyword");
      JsonArray terms = kw.getJsonArray("matched_terms");
      out.add(new SearchCandidate(r.getJsonObject("memory").getString("memory_id"), e.getDouble("importance"),
          e.getJsonObject("semantic").getDouble("cosine_similarity"), kw.getDouble("rank"),
          kw.getDouble("coverage"), terms.getList()));
    }
    return out;
  }

  /** Mean recall@k over questions. */
  private static final class Recall {
    private final Map<Integer, Double> sums = new HashMap<>();
    private int n;

    void add(List<String> ranked, Set<String> evidence) {
      n++;
      for (int k : new int[] {5, 10}) {
        long found = ranked.stream().limit(k).filter(evidence::contains).distinct().count();
        sums.merge(k, (double) found / evidence.size(), Double::sum);
      }
    }

    double at(int k) {
      return n == 0 ? 0 : sums.getOrDefault(k, 0.0) / n;
    }
  }
}
