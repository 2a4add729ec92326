package dev.mnemograph.worker.graph;

import java.util.List;

/**
 * A workspace's graph as the analysis reads it: memories 0..n-1 and one entry per pair of memories joined
 * by any edge, {@code a < b}, weighted by the highest confidence among the edges joining them.
 * {@code forward}: some edge walks a → b (a directed edge a → b, or any bidirectional one); {@code backward}
 * the same for b → a.
 *
 * @param memoryIds the memory of each node
 * @param terms     each node's concepts and tags (community labels are made of them)
 * @param titles    each node's title (labels fall back to its words)
 */
public record WorkspaceNetwork(List<String> memoryIds, List<List<String>> terms, List<String> titles,
                               int[] a, int[] b, double[] weight, boolean[] forward, boolean[] backward) {

  public int nodes() {
    return memoryIds.size();
  }

  public int pairs() {
    return a.length;
  }
}
