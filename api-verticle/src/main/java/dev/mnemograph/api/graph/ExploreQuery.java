package dev.mnemograph.api.graph;

import java.util.List;

/**
 * POST /memories/explore (and the MCP memory_explore tool) and its bounds.
 *
 * @param relationshipTypes the types to grow along; empty means all
 * @param seedLimit         how many search results seed the subgraph (they count toward {@code maxNodes})
 */
public record ExploreQuery(String query, int maxNodes, List<String> relationshipTypes, double minEdgeConfidence,
                           int seedLimit) {
  public static final int DEFAULT_MAX_NODES = 50;
  public static final int MAX_NODES = 200;
  public static final int DEFAULT_SEED_LIMIT = 5;
  public static final int MAX_SEED_LIMIT = 50;

  public ExploreQuery {
    if (maxNodes < 1 || maxNodes > MAX_NODES) {
      throw new IllegalArgumentException("max_nodes must be between 1 and " + MAX_NODES + ", got " + maxNodes);
    }
    if (seedLimit < 1 || seedLimit > MAX_SEED_LIMIT) {
      throw new IllegalArgumentException("seed_limit must be between 1 and " + MAX_SEED_LIMIT + ", got " + seedLimit);
    }
    if (!(minEdgeConfidence >= 0 && minEdgeConfidence <= 1)) {
      throw new IllegalArgumentException("min_edge_confidence must be between 0 and 1, got " + minEdgeConfidence);
    }
    relationshipTypes = RelationshipTypes.orAll(relationshipTypes);
  }
}
