package dev.mnemograph.graph;

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
import java.util.stream.Stream;

/**
 * PageRank and communities of a {@link WorkspaceNetwork}. CPU-bound: run it off the event loop.
 *
 * <p>PageRank (JGraphT) walks the directed graph: a bidirectional edge both ways, a directed one (a manual
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
  /** Leiden passes; more refine a little (0.4857 at 1 and 10 on the planted-partition test) at 3× the time. */
  static final int LEIDEN_ITERATIONS = 2;
  static final long SEED = 42;

  private GraphAnalysis() {
  }

  /** PageRank of every node, scaled so that the largest is 1.0 (all zero for an empty graph). */
  public static double[] pagerank(WorkspaceNetwork net) {
    int n = net.nodes();
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    int arcs = 0;
    for (int i = 0; i < net.pairs(); i++) {
      arcs += (net.forward()[i] ? 1 : 0) + (net.backward()[i] ? 1 : 0);
    }
    if (arcs == 0) {
      Arrays.fill(out, 1.0);   // no edges: every memory is as central as any other (JGraphT's graph needs one)
      return out;
    }
    SparseIntDirectedWeightedGraph graph = new SparseIntDirectedWeightedGraph(n, arcs, () -> arcs(net),
        IncomingEdgesSupport.FULL_INCOMING_EDGES);
    Map<Integer, Double> scores = new PageRank<>(graph, DAMPING, MAX_ITERATIONS, TOLERANCE).getScores();
    double max = 0;
    for (int v = 0; v < n; v++) {
      out[v] = scores.get(v);
      max = Math.max(max, out[v]);
    }
    for (int v = 0; v < n; v++) {
      out[v] /= max;
    }
    return out;
  }

  private static Stream<Triple<Integer, Integer, Double>> arcs(WorkspaceNetwork net) {
    return IntStream.range(0, net.pairs()).boxed().flatMap(i -> {
      Triple<Integer, Integer, Double> ab = Triple.of(net.a()[i], net.b()[i], net.weight()[i]);
      Triple<Integer, Integer, Double> ba = Triple.of(net.b()[i], net.a()[i], net.weight()[i]);
      if (net.forward()[i] && net.backward()[i]) {
        return Stream.of(ab, ba);
      }
      return net.forward()[i] ? Stream.of(ab) : Stream.of(ba);
    });
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
