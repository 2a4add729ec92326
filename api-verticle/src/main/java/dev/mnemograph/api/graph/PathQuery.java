package dev.mnemograph.api.graph;

import java.util.List;

/**
 * POST /memories/path and its bounds.
 *
 * @param relationshipTypes the types the path may use; empty means all
 */
public record PathQuery(String sourceMemoryId, String targetMemoryId, int maxDepth, List<String> relationshipTypes) {
  public static final int DEFAULT_MAX_DEPTH = 5;
  public static final int MAX_DEPTH = 10;

  public PathQuery {
    if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("max_depth must be between 1 and " + MAX_DEPTH + ", got " + maxDepth);
    }
    relationshipTypes = RelationshipTypes.orAll(relationshipTypes);
  }
}
