package dev.mnemograph.api.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The growth of an explored subgraph from its seeds, best first, in rounds: each round takes what the
 * previous round's memories reach ({@link #round}), and adds the best candidates known so far, at most half
 * of the budget, so that the whole growth takes two or three reads rather than one per memory (each read takes
 * milliseconds in a large workspace: with rounds of a quarter explore missed its 20 ms goal; BENCHMARKS.md,
 * "Graph latency").
 *
 * <p>A candidate's priority is the best, over the relationships that reach it, of the priority of the memory
 * it is reached from (a seed's is 1) × the relationship's confidence × (0.5 + 0.5·its PageRank, none counting
 * as 0): strong links to central memories first, and every step away from the seeds costs.
 */
public final class Exploration {

  /** A relationship from a memory of the subgraph to {@code to}, with {@code to}'s PageRank (may be null). */
  public record Reach(String from, String to, double confidence, Double toPagerank) {
  }

  private static final Comparator<Map.Entry<String, Double>> BEST_FIRST =
      Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

  private final int maxNodes;
  private final int roundSize;
  /** The subgraph so far, in the order its memories joined, with their priorities. */
  private final Map<String, Double> included = new LinkedHashMap<>();
  private final Map<String, Double> candidates = new HashMap<>();
  private List<String> frontier;

  public Exploration(List<String> seeds, int maxNodes) {
    if (maxNodes < 1) {
      throw new IllegalArgumentException("maxNodes must be at least 1, got " + maxNodes);
    }
    this.maxNodes = maxNodes;
    this.roundSize = Math.max(1, (maxNodes + 1) / 2);
    for (String seed : seeds) {
      if (included.size() < maxNodes) {
        included.put(seed, 1.0);
      }
    }
    frontier = new ArrayList<>(included.keySet());
  }

  /** The memories whose relationships the next round needs (may be empty while candidates are left). */
  public List<String> frontier() {
    return frontier;
  }

  public boolean done() {
    return included.size() >= maxNodes || (frontier.isEmpty() && candidates.isEmpty());
  }

  /** Adds what the frontier reached to the candidates, then the round's best candidates to the subgraph. */
  public void round(List<Reach> reached) {
    for (Reach r : reached) {
      Double from = included.get(r.from());
      if (from == null || included.containsKey(r.to())) {
        continue;
      }
      double pagerank = r.toPagerank() == null ? 0 : Math.max(0, Math.min(1, r.toPagerank()));
      candidates.merge(r.to(), from * r.confidence() * (0.5 + 0.5 * pagerank), Math::max);
    }
    List<Map.Entry<String, Double>> best = candidates.entrySet().stream().sorted(BEST_FIRST)
        .limit(Math.min(roundSize, maxNodes - included.size())).toList();
    frontier = new ArrayList<>(best.size());
    for (Map.Entry<String, Double> e : best) {
      included.put(e.getKey(), e.getValue());
      frontier.add(e.getKey());
    }
    frontier.forEach(candidates::remove);
  }

  /** The subgraph's memories: the seeds, then the others in the order they joined. */
  public List<String> nodes() {
    return List.copyOf(included.keySet());
  }
}
