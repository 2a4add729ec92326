package dev.mnemograph.worker.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PageRank, communities and their labels on hand-made graphs with known answers. */
class GraphAnalysisTest {

  /** A graph of n memories with the given undirected pairs (weight 1) and terms per memory. */
  private static WorkspaceNetwork graph(int n, int[][] pairs, List<List<String>> terms) {
    List<String> ids = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("mem-" + i);
      titles.add("Memory " + i);
    }
    int m = pairs.length;
    int[] a = new int[m];
    int[] b = new int[m];
    double[] w = new double[m];
    boolean[] fwd = new boolean[m];
    boolean[] bwd = new boolean[m];
    for (int i = 0; i < m; i++) {
      a[i] = Math.min(pairs[i][0], pairs[i][1]);
      b[i] = Math.max(pairs[i][0], pairs[i][1]);
      w[i] = 1;
      fwd[i] = true;
      bwd[i] = true;
    }
    return new WorkspaceNetwork(ids, terms, titles, a, b, w, fwd, bwd);
  }

  private static List<List<String>> noTerms(int n) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(List.of());
    }
    return out;
  }

  @Test
  void the_hub_of_a_star_has_the_top_pagerank_scaled_to_one() {
    int[][] star = {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0, 6}};
    double[] pr = GraphAnalysis.pagerank(graph(8, star, noTerms(8)));   // 7 is isolated

    assertEquals(1.0, pr[0], 1e-12);
    for (int leaf = 1; leaf <= 6; leaf++) {
      assertTrue(pr[leaf] < 0.5, "leaf " + leaf + ": " + pr[leaf]);
      assertEquals(pr[1], pr[leaf], 1e-9, "the leaves are alike");
    }
    assertTrue(pr[7] > 0 && pr[7] < pr[1], "an isolated memory keeps only the teleport share");
  }

  @Test
  void pagerank_agrees_with_jgrapht_on_a_random_graph_with_directed_edges_and_dead_ends() {
    java.util.Random random = new java.util.Random(3);
    int n = 500;
    int m = 2_000;
    int[] a = new int[m];
    int[] b = new int[m];
    double[] w = new double[m];
    boolean[] fwd = new boolean[m];
    boolean[] bwd = new boolean[m];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("m" + i);
    }
    for (int i = 0; i < m; i++) {
      int u = random.nextInt(n - 1);
      a[i] = u;
      b[i] = u + 1 + random.nextInt(n - 1 - u);
      w[i] = 0.5 + random.nextDouble() / 2;
      int kind = random.nextInt(3);   // both ways, a -> b only, b -> a only
      fwd[i] = kind != 2;
      bwd[i] = kind != 1;
    }
    WorkspaceNetwork net = new WorkspaceNetwork(ids, noTerms(n), ids, a, b, w, fwd, bwd);

    double[] ours = GraphAnalysis.pagerank(net);
    double[] jgrapht = GraphAnalysis.pagerankWithJGraphT(net);

    assertArrayEquals(jgrapht, ours, 1e-8);
  }

  @Test
  void a_directed_edge_passes_rank_to_its_target_only() {
    WorkspaceNetwork chain = new WorkspaceNetwork(List.of("a", "b", "c"), noTerms(3), List.of("a", "b", "c"),
        new int[] {0, 1}, new int[] {1, 2}, new double[] {1, 1}, new boolean[] {true, true},
        new boolean[] {false, false});   // a -> b -> c, as "a depends_on b" and "b depends_on c"
    double[] pr = GraphAnalysis.pagerank(chain);
    assertEquals(1.0, pr[2], 1e-12);
    assertTrue(pr[0] < pr[1] && pr[1] < pr[2]);
  }

  @Test
  void two_dense_clusters_joined_by_one_edge_are_two_communities_with_names_from_their_concepts() {
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (int j = i + 1; j < 6; j++) {
        pairs.add(new int[] {i, j});
        pairs.add(new int[] {i + 6, j + 6});
      }
    }
    pairs.add(new int[] {5, 6});   // the bridge
    List<List<String>> terms = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      terms.add(i % 2 == 0 ? List.of("Database", "patterns") : List.of("database", "patterns", "sql"));
    }
    for (int i = 0; i < 6; i++) {
      terms.add(List.of("testing", i < 4 ? "ci" : "flaky-tests"));
    }
    WorkspaceNetwork net = graph(13, pairs.toArray(int[][]::new), terms);   // 12 is alone

    int[] community = GraphAnalysis.communities(net);

    for (int i = 1; i < 6; i++) {
      assertEquals(community[0], community[i]);
      assertEquals(community[6], community[6 + i]);
    }
    assertNotEquals(community[0], community[6]);
    assertEquals(-1, community[12], "a memory without edges is in no community");
    assertTrue(GraphAnalysis.modularity(net, community) > 0.4, "Q = " + GraphAnalysis.modularity(net, community));
    List<String> labels = CommunityLabels.of(net, community);
    assertEquals("database-patterns", labels.get(community[0]));
    assertEquals("testing-ci", labels.get(community[6]));
  }

  @Test
  void the_same_graph_gives_the_same_communities_and_an_empty_graph_none() {
    int[][] ring = new int[30][];
    for (int i = 0; i < 30; i++) {
      ring[i] = new int[] {i, (i + 1) % 30};
    }
    WorkspaceNetwork net = graph(30, ring, noTerms(30));
    assertArrayEquals(GraphAnalysis.communities(net), GraphAnalysis.communities(net));
    assertArrayEquals(new int[] {-1, -1}, GraphAnalysis.communities(graph(2, new int[0][], noTerms(2))));
    assertArrayEquals(new double[0], GraphAnalysis.pagerank(graph(0, new int[0][], List.of())));
    assertArrayEquals(new double[] {1, 1}, GraphAnalysis.pagerank(graph(2, new int[0][], noTerms(2))), 0);
  }

  @Test
  void equal_names_are_told_apart_and_communities_without_terms_are_named_by_their_titles() {
    int[][] pairs = {{0, 1}, {2, 3}};
    List<List<String>> terms = List.of(List.of("cache"), List.of("cache"), List.of("cache"), List.of("cache"));
    WorkspaceNetwork net = graph(4, pairs, terms);
    List<String> labels = CommunityLabels.of(net, new int[] {0, 0, 1, 1});
    assertEquals(List.of("cache", "cache-2"), labels);

    WorkspaceNetwork untagged = new WorkspaceNetwork(List.of("a", "b"), noTerms(2),
        List.of("Retry payments with jitter", "Payments retry budget"), new int[] {0}, new int[] {1},
        new double[] {1}, new boolean[] {true}, new boolean[] {true});
    assertEquals(List.of("payments-retry"), CommunityLabels.of(untagged, new int[] {0, 0}));
  }
}
