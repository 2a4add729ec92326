package dev.mnemograph.api.search;

import java.util.List;

/**
 * One hybrid search, as POST /memories/search and the MCP memory_search tool take it. Empty lists and a null
 * {@code minImportance} mean no filter; a null {@code query} (REST only) means no words: the filters' memories,
 * most important first.
 *
 * @param tags         every one must be on the memory
 * @param tagPrefixes  at least one tag of the memory starts with one of them
 * @param sourceFiles  the memory names at least one of them
 * @param useSemantic  rank by meaning as well (needs the query embedded by a worker)
 * @param useKeyword   rank by words as well (false: by meaning only)
 */
public record SearchQuery(String query, List<String> memoryTypes, List<String> tags, List<String> tagPrefixes,
                          List<String> sourceFiles, Double minImportance, int limit, boolean useSemantic,
                          boolean useKeyword, boolean explain) {
  public static final int DEFAULT_LIMIT = 10;
  public static final int MAX_LIMIT = 100;

  public SearchQuery {
    memoryTypes = List.copyOf(memoryTypes);
    tags = List.copyOf(tags);
    tagPrefixes = List.copyOf(tagPrefixes);
    sourceFiles = List.copyOf(sourceFiles);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** A plain search for these words, with every default. */
  public static SearchQuery of(String query) {
    return new SearchQuery(query, List.of(), List.of(), List.of(), List.of(), null, DEFAULT_LIMIT, true, true,
        false);
  }
}
