package dev.mnemograph.worker.graph;

import nl.cwts.networkanalysis.Clustering;
import nl.cwts.networkanalysis.LeidenAlgorithm;
import nl.cwts.networkanalysis.Network;
import nl.cwts.util.LargeDoubleArray;
import nl.cwts.util.LargeIntArray;
import org.jgrapht.alg.scoring.PageRank;
import org.jgrapht.alg.util.Triple;
import org.jgrapht.opt.graph.sparse.IncomingEdgesSupport;
import org.jgrapht.opt.graph.sparse.SparseIntDirectedWeightedGraph;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * PageRank and communities of a {@link WorkspaceNetwork}. CPU-bound: run it off the event loop.
 *
 * <p>PageRank walks the directed graph: a bidirectional edge both ways, a directed one (a manual
 * "A depends_on B") from source to target, so the memory depended on gains. Damping 0.85; the tolerance is
 * 1e-10 per node because JGraphT's default (1e-4) exceeds 1/n in a large graph and stops after one iteration
 * (GRAPH-LIBS.md). Scores are divided by the largest: the most central memory has 1.0, one with half its
 * PageRank 0.5; an isolated memory keeps the small teleport share.
 *
 * <p>Communities: the Leiden algorithm (CWTS networkanalysis) maximising modularity on the undirected,
 * weighted graph, seeded so that the same graph gives the same communities. Compared with JGraphT's label
 * propagation on the same graphs (GraphBenchmark): faster, and it does not merge a structureless graph into
 * one community.
 */
public final class GraphAnalysis {
  static final double DAMPING = 0.85;
  static final double TOLERANCE = 1e-10;
  static final int MAX_ITERATIONS = 200;
  /** Leiden passes; more refine the communities little at several times the cost (BENCHMARKS.md, "Graph job"). */
  static final int LEIDEN_ITERATIONS = 2;
  static final long SEED = 42;

  private GraphAnalysis() {
  }

  /**
   * PageRank of every node, scaled so that the largest is 1.0 (all zero for an empty graph): the power
   * iteration of JGraphT's {@code PageRank} (weighted arcs, the mass of memories without outgoing arcs spread
   * evenly, stopped when no node moves by more than the tolerance), over arrays instead of JGraphT's graph
   * objects: a small fraction of JGraphT's time and heap at 100,000 memories (BENCHMARKS.md, "Graph job").
   * {@link #pagerankWithJGraphT} is kept to check it against (tests, the benchmark).
   */
  public static double[] pagerank(WorkspaceNetwork net) {
    int n = net.nodes();
    double[] score = new double[n];
    if (n == 0) {
      return score;
    }
    Arcs arcs = Arcs.of(net);
    double[] outWeight = new double[n];
    for (int i = 0; i < arcs.size(); i++) {
      outWeight[arcs.from()[i]] += arcs.weight()[i];
    }
    // incoming arcs of each node, each with its share of its source's outgoing weight
    int[] start = new int[n + 1];
    for (int i = 0; i < arcs.size(); i++) {
      start[arcs.to()[i] + 1]++;
    }
    for (int v = 0; v < n; v++) {
      start[v + 1] += start[v];
    }
    int[] fill = Arrays.copyOf(start, n);
    int[] from = new int[arcs.size()];
    double[] share = new double[arcs.size()];
    for (int i = 0; i < arcs.size(); i++) {
      int k = fill[arcs.to()[i]]++;
      from[k] = arcs.from()[i];
      share[k] = arcs.weight()[i] / outWeight[arcs.from()[i]];
    }
    Arrays.fill(score, 1.0 / n);
    double[] next = new double[n];
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      double dangling = 0;
      for (int v = 0; v < n; v++) {
        if (outWeight[v] == 0) {
          dangling += score[v];
        }
      }
      double base = (1 - DAMPING) / n + DAMPING * dangling / n;
      double maxChange = 0;
      for (int v = 0; v < n; v++) {
        double sum = 0;
        for (int k = start[v]; k < start[v + 1]; k++) {
          sum += score[from[k]] * share[k];
        }
        next[v] = base + DAMPING * sum;
        maxChange = Math.max(maxChange, Math.abs(next[v] - score[v]));
      }
      double[] swap = score;
      score = next;
      next = swap;
      if (maxChange < TOLERANCE) {
        break;
      }
    }
    return scaledToMax(score);
  }

  /** The same PageRank computed by JGraphT on its compact int graph (the reference for {@link #pagerank}). */
  public static double[] pagerankWithJGraphT(WorkspaceNetwork net) {
    int n = net.nodes();
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    Arcs arcs = Arcs.of(net);
    if (arcs.size() == 0) {
      Arrays.fill(out, 1.0);   // JGraphT's graph needs an edge; every memory is as central as any other
      return out;
    }
    SparseIntDirectedWeightedGraph graph = new SparseIntDirectedWeightedGraph(n, arcs.size(),
        () -> IntStream.range(0, arcs.size()).mapToObj(i -> Triple.of(arcs.from()[i], arcs.to()[i], arcs.weight()[i])),
        IncomingEdgesSupport.FULL_INCOMING_EDGES);
    Map<Integer, Double> scores = new PageRank<>(graph, DAMPING, MAX_ITERATIONS, TOLERANCE).getScores();
    for (int v = 0; v < n; v++) {
      out[v] = scores.get(v);
    }
    return scaledToMax(out);
  }

  private static double[] scaledToMax(double[] score) {
    double max = 0;
    for (double x : score) {
      max = Math.max(max, x);
    }
    for (int v = 0; v < score.length; v++) {
      score[v] /= max;
    }
    return score;
  }

  /** The directed arcs of the network: a pair walkable both ways gives two. */
  private record Arcs(int[] from, int[] to, double[] weight) {
    static Arcs of(WorkspaceNetwork net) {
      int count = 0;
      for (int i = 0; i < net.pairs(); i++) {
        count += (net.forward()[i] ? 1 : 0) + (net.backward()[i] ? 1 : 0);
      }
      int[] from = new int[count];
      int[] to = new int[count];
      double[] weight = new double[count];
      int k = 0;
      for (int i = 0; i < net.pairs(); i++) {
        if (net.forward()[i]) {
          from[k] = net.a()[i];
          to[k] = net.b()[i];
          weight[k++] = net.weight()[i];
        }
        if (net.backward()[i]) {
          from[k] = net.b()[i];
          to[k] = net.a()[i];
          weight[k++] = net.weight()[i];
        }
      }
      return new Arcs(from, to, weight);
    }

    int size() {
      return from.length;
    }
  }

  /** The community of every node (0..k-1, largest first); a node alone in its community gets -1. */
  public static int[] communities(WorkspaceNetwork net) {
    int n = net.nodes();
    int[] out = new int[n];
    Arrays.fill(out, -1);
    if (net.pairs() == 0) {
      return out;
    }
    Network network = new Network(n, true, new LargeIntArray[] {new LargeIntArray(net.a()), new LargeIntArray(net.b())},
        new LargeDoubleArray(net.weight()), false, false);
    // modularity: node weights are strengths and the resolution 1/2m (GRAPH-LIBS.md, CWTS is CPM otherwise)
    double resolution = 1.0 / (2 * network.getTotalEdgeWeight() + network.getTotalEdgeWeightSelfLinks());
    Clustering clustering = new LeidenAlgorithm(resolution, LEIDEN_ITERATIONS, 0.01, new Random(SEED))
        .findClustering(network);
    clustering.orderClustersByNNodes();
    int[] sizes = clustering.getNNodesPerCluster();
    int[] clusters = clustering.getClusters();
    for (int v = 0; v < n; v++) {
      out[v] = sizes[clusters[v]] > 1 ? clusters[v] : -1;
    }
    return out;
  }

  /** Modularity of a partition (-1 = alone) of the undirected weighted graph, for the benchmark and tests. */
  public static double modularity(WorkspaceNetwork net, int[] community) {
    int n = net.nodes();
    int[] c = new int[n];
    int next = n;   // each -1 node its own community
    for (int v = 0; v < n; v++) {
      c[v] = community[v] >= 0 ? community[v] : next++;
    }
    double total = 0;
    double inside = 0;
    double[] strength = new double[next];
    for (int i = 0; i < net.pairs(); i++) {
      double w = net.weight()[i];
      total += w;
      strength[c[net.a()[i]]] += w;
      strength[c[net.b()[i]]] += w;
      if (c[net.a()[i]] == c[net.b()[i]]) {
        inside += w;
      }
    }
    if (total == 0) {
      return 0;
    }
    double q = inside / total;
    for (double s : strength) {
      q -= (s / (2 * total)) * (s / (2 * total));
    }
    return q;
  }
}
