package dev.mnemograph.api.graph;

import java.util.List;

/**
 * GET /memories/graph and its bounds.
 *
 * @param relationshipTypes the types of relationships to show; empty means all
 * @param includeCommunities whether to count the workspace's communities too (a legend's labels and sizes)
 */
public record GraphQuery(int maxNodes, double minConfidence, List<String> relationshipTypes,
                         boolean includeCommunities) {
  public static final int DEFAULT_MAX_NODES = 1_000;
  public static final int MAX_NODES = 5_000;
  /** The relationships shown are capped at this many per memory shown (the strongest). */
  public static final int EDGES_PER_NODE = 10;
  /** total_nodes and total_edges are counted up to this many; a larger count reads this and says so. */
  public static final int COUNT_CAP = 10_000;
  /** At most this many communities are counted (the largest). */
  public static final int MAX_COMMUNITIES = 100;

  public GraphQuery {
    if (maxNodes < 1 || maxNodes > MAX_NODES) {
      throw new IllegalArgumentException("max_nodes must be between 1 and " + MAX_NODES + ", got " + maxNodes);
    }
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new IllegalArgumentException("min_confidence must be between 0 and 1, got " + minConfidence);
    }
    relationshipTypes = RelationshipTypes.orAll(relationshipTypes);
  }

  public GraphQuery(int maxNodes, double minConfidence, List<String> relationshipTypes) {
    this(maxNodes, minConfidence, relationshipTypes, false);
  }
}
