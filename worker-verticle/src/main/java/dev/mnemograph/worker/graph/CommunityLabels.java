package dev.mnemograph.worker.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Readable community names: the two terms (concepts and tags) most of the community's memories carry,
 * joined, e.g. "database-patterns"; a community without any falls back to its titles' words. Each memory
 * counts a term once; equal counts go to the alphabetically first term. Two communities that would get the
 * same name are told apart by a number ("testing-2").
 */
public final class CommunityLabels {
  private static final Set<String> STOPWORDS = Set.of("about", "after", "also", "always", "been", "before",
      "from", "have", "into", "never", "only", "over", "should", "that", "their", "them", "then", "there",
      "these", "they", "this", "when", "where", "which", "while", "will", "with", "without", "your");

  private CommunityLabels() {
  }

  /** A label per community index 0..k-1 (from {@link GraphAnalysis#communities}). */
  public static List<String> of(WorkspaceNetwork net, int[] community) {
    int k = 0;
    for (int c : community) {
      k = Math.max(k, c + 1);
    }
    List<Map<String, Integer>> termCounts = new ArrayList<>();
    List<Map<String, Integer>> wordCounts = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      termCounts.add(new HashMap<>());
      wordCounts.add(new HashMap<>());
    }
    for (int v = 0; v < net.nodes(); v++) {
      if (community[v] < 0) {
        continue;
      }
      Set<String> terms = new HashSet<>();
      net.terms().get(v).forEach(t -> {
        String slug = slug(t);
        if (!slug.isEmpty()) {
          terms.add(slug);
        }
      });
      Map<String, Integer> communityTerms = termCounts.get(community[v]);
      terms.forEach(t -> communityTerms.merge(t, 1, Integer::sum));
      Set<String> words = new HashSet<>();
      for (String w : net.titles().get(v).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        if (w.length() >= 4 && !STOPWORDS.contains(w)) {
          words.add(w);
        }
      }
      Map<String, Integer> communityWords = wordCounts.get(community[v]);
      words.forEach(w -> communityWords.merge(w, 1, Integer::sum));
    }
    List<String> labels = new ArrayList<>(k);
    Set<String> used = new HashSet<>();
    for (int c = 0; c < k; c++) {
      String base = top(termCounts.get(c));
      if (base.isEmpty()) {
        base = top(wordCounts.get(c));
      }
      if (base.isEmpty()) {
        base = "community";
      }
      String label = base;
      for (int i = 2; !used.add(label); i++) {
        label = base + "-" + i;
      }
      labels.add(label);
    }
    return labels;
  }

  private static String top(Map<String, Integer> counts) {
    Set<String> parts = new LinkedHashSet<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(2)
        .forEach(e -> parts.add(e.getKey()));
    return String.join("-", parts);
  }

  /** "Database Patterns" → "database-patterns". */
  static String slug(String term) {
    String s = term.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-");
    return s.replaceAll("^-+|-+$", "");
  }
}
