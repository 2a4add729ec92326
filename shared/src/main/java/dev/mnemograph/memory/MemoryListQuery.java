package dev.mnemograph.memory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One page of a workspace's memories.
 *
 * @param ordering      one of {@link #ORDERINGS}' keys, e.g. {@code -importance_score}
 * @param tags          tags every memory listed has (none: no condition)
 * @param minImportance the lowest importance_score listed (0: no condition)
 */
public record MemoryListQuery(Optional<String> memoryType, int limit, int offset, String ordering,
                              boolean pruningCandidates, List<String> tags, double minImportance) {

  public static final int DEFAULT_LIMIT = 50;
  public static final String DEFAULT_ORDERING = "-importance_score";

  /**
   * The supported orderings, each made total with created_at (newest first) and memory_id, so that
   * pages never overlap or skip a memory.
   */
  static final Map<String, String> ORDERINGS = Map.of(
      "importance_score", "importance_score ASC, created_at DESC, memory_id",
      "-importance_score", "importance_score DESC, created_at DESC, memory_id",
      "access_count", "access_count ASC, created_at DESC, memory_id",
      "-access_count", "access_count DESC, created_at DESC, memory_id",
      "retrieval_count", "retrieval_count ASC, created_at DESC, memory_id",
      "-retrieval_count", "retrieval_count DESC, created_at DESC, memory_id",
      "created_at", "created_at ASC, memory_id",
      "-created_at", "created_at DESC, memory_id");

  public MemoryListQuery {
    if (!ORDERINGS.containsKey(ordering)) {
      throw new IllegalArgumentException("Unsupported ordering '" + ordering + "'");
    }
    if (limit < 1 || offset < 0) {
      throw new IllegalArgumentException("limit must be at least 1 and offset at least 0, got " + limit + ", " + offset);
    }
    if (!(minImportance >= 0 && minImportance <= 1)) {
      throw new IllegalArgumentException("min_importance must be between 0 and 1, got " + minImportance);
    }
    tags = List.copyOf(tags);
  }

  public MemoryListQuery(Optional<String> memoryType, int limit, int offset, String ordering,
                         boolean pruningCandidates) {
    this(memoryType, limit, offset, ordering, pruningCandidates, List.of(), 0.0);
  }

  /** The ORDER BY of this page, as the list statement sends it. */
  public String orderBy() {
    return ORDERINGS.get(ordering);
  }
}
