package dev.mnemograph.api.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the raw signals of search candidates into one score in 0..1, best first.
 *
 * <p>{@link #DEFAULT}: the documented Neuroloom blend, {@code 0.3·keyword + 0.6·semantic + 0.1·importance},
 * each component scaled to 0..1 first:
 * <ul>
 *   <li>keyword: the candidate's IDF-weighted term rank divided by the best one among this query's
 *       candidates, times the share of the query's IDF weight it matches (a memory with every query term and
 *       the best rank scores 1, one with a single common word of the query little, one with none 0);</li>
 *   <li>semantic: cosine similarity to the query, clamped to 0..1 (an absolute scale: a query that
 *       nothing resembles does not get a 1);</li>
 *   <li>importance: {@code importance_score} as stored.</li>
 * </ul>
 * The alternatives stay here because the retrieval benchmark compares them on the same candidates.
 */
public record HybridRanking(Fusion fusion, double keywordWeight, double semanticWeight, double importanceWeight,
                            KeywordScale keywordScale, SemanticScale semanticScale) {

  public enum Fusion { WEIGHTED, RECIPROCAL_RANK }

  public enum KeywordScale {
    /** Divided by the best keyword rank among the candidates. */
    RELATIVE,
    /** RELATIVE times the share of the query's IDF weight the memory matches. */
    RELATIVE_TIMES_COVERAGE,
    /** The mean of RELATIVE and the coverage. */
    RELATIVE_AND_COVERAGE
  }

  public enum SemanticScale {
    /** Cosine similarity clamped to 0..1. */
    COSINE,
    /** Spread over 0..1 between the least and the most similar candidate. */
    MIN_MAX
  }

  public static final HybridRanking DEFAULT = new HybridRanking(Fusion.WEIGHTED, 0.3, 0.6, 0.1,
      KeywordScale.RELATIVE_TIMES_COVERAGE, SemanticScale.COSINE);

  /** The k of reciprocal rank fusion (Cormack et al.'s 60). */
  static final int RRF_K = 60;

  /** A candidate with its score and its scaled components. */
  public record Ranked(SearchCandidate candidate, double score, Double keywordScore, Double semanticScore,
                       JsonObject explanation) {
  }

  /**
   * @param byWords   whether words take part (false: the keyword component is left out and reported as null)
   * @param byMeaning whether meaning takes part
   */
  public List<Ranked> rank(List<SearchCandidate> candidates, boolean byWords, boolean byMeaning) {
    if (!byWords && !byMeaning) {
      throw new IllegalArgumentException("A ranking needs words, meaning or both");
    }
    double bestKeyword = candidates.stream().mapToDouble(SearchCandidate::keyword).max().orElse(0);
    double maxSimilarity = candidates.stream().filter(c -> c.similarity() != null)
        .mapToDouble(SearchCandidate::similarity).max().orElse(1);
    double minSimilarity = candidates.stream().filter(c -> c.similarity() != null)
        .mapToDouble(SearchCandidate::similarity).min().orElse(0);
    double kw = byWords ? (byMeaning ? keywordWeight : 1) : 0;
    double sem = byMeaning ? (byWords ? semanticWeight : 1) : 0;
    double imp = byWords && byMeaning ? importanceWeight : 0;
    double total = kw + sem + imp;
    Map<String, Integer> keywordRank = fusion == Fusion.RECIPROCAL_RANK
        ? ranks(candidates, Comparator.comparingDouble(SearchCandidate::keyword).reversed(), c -> c.keyword() > 0)
        : Map.of();
    Map<String, Integer> semanticRank = fusion == Fusion.RECIPROCAL_RANK
        ? ranks(candidates, Comparator.comparingDouble((SearchCandidate c) -> c.similarity() == null ? -2 : c.similarity())
            .reversed(), c -> c.similarity() != null)
        : Map.of();

    List<Ranked> out = new ArrayList<>(candidates.size());
    for (SearchCandidate c : candidates) {
      Double keyword = byWords ? keywordScaled(c, bestKeyword) : null;
      Double semantic = byMeaning && c.similarity() != null
          ? semanticScaled(c.similarity(), minSimilarity, maxSimilarity) : null;
      double kwPart;
      double semPart;
      if (fusion == Fusion.RECIPROCAL_RANK) {
        kwPart = reciprocal(keywordRank.get(c.memoryId()));
        semPart = reciprocal(semanticRank.get(c.memoryId()));
      } else {
        kwPart = keyword == null ? 0 : keyword;
        semPart = semantic == null ? 0 : semantic;
      }
      double score = clamp((kw * kwPart + sem * semPart + imp * c.importance()) / total);
      out.add(new Ranked(c, score, keyword, semantic, explain(c, keyword, semantic, kw / total, sem / total,
          imp / total, kwPart, semPart, bestKeyword, score)));
    }
    out.sort(Comparator.comparingDouble(Ranked::score).reversed()
        .thenComparing(r -> r.candidate().memoryId()));
    return out;
  }

  private double keywordScaled(SearchCandidate c, double bestKeyword) {
    double relative = bestKeyword <= 0 ? 0 : clamp(c.keyword() / bestKeyword);
    return switch (keywordScale) {
      case RELATIVE -> relative;
      case RELATIVE_TIMES_COVERAGE -> relative * c.coverage();
      case RELATIVE_AND_COVERAGE -> (relative + c.coverage()) / 2;
    };
  }

  private double semanticScaled(double similarity, double min, double max) {
    return semanticScale == SemanticScale.MIN_MAX && max > min ? (similarity - min) / (max - min) : clamp(similarity);
  }

  /** 1 for the first place, falling as 61/(60 + rank), so that the fused score stays in 0..1. */
  private static double reciprocal(Integer rank) {
    return rank == null ? 0 : (RRF_K + 1.0) / (RRF_K + rank);
  }

  private static Map<String, Integer> ranks(List<SearchCandidate> candidates, Comparator<SearchCandidate> order,
                                            java.util.function.Predicate<SearchCandidate> ranked) {
    List<SearchCandidate> sorted = candidates.stream().filter(ranked).sorted(order).toList();
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      out.put(sorted.get(i).memoryId(), i + 1);
    }
    return out;
  }

  private JsonObject explain(SearchCandidate c, Double keyword, Double semantic, double kw, double sem, double imp,
                             double kwPart, double semPart, double bestKeyword, double score) {
    JsonObject weights = new JsonObject().put("keyword", round(kw)).put("semantic", round(sem))
        .put("importance", round(imp));
    JsonObject keywordPart = new JsonObject()
        .put("matched_terms", new JsonArray(c.matchedTerms()))
        .put("rank", c.keyword())
        .put("best_rank", bestKeyword)
        .put("coverage", c.coverage())
        .put("score", keyword);
    JsonObject semanticPart = new JsonObject()
        .put("cosine_similarity", c.similarity())
        .put("score", semantic);
    if (c.similarity() == null) {
      semanticPart.put("note", "no embedding compared (not computed yet, or semantic ranking off)");
    }
    return new JsonObject()
        .put("fusion", fusion == Fusion.WEIGHTED ? "weighted_sum" : "reciprocal_rank")
        .put("weights", weights)
        .put("keyword", keywordPart)
        .put("semantic", semanticPart)
        .put("importance", c.importance())
        .put("contributions", new JsonObject().put("keyword", round(kw * kwPart))
            .put("semantic", round(sem * semPart)).put("importance", round(imp * c.importance())))
        .put("score", score);
  }

  /** Weights and contributions to six places: 0.3, not 0.30000000000000004. */
  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
