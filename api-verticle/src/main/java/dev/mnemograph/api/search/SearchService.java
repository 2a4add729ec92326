package dev.mnemograph.api.search;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Hybrid search over one workspace: the query is embedded by a worker (over the event bus) while its terms
 * are counted, candidates come by words and by meaning in one statement, {@link HybridRanking} orders them,
 * and the page returned is recorded as one retrieval event per memory, in one statement that also reads the
 * memories.
 */
public final class SearchService {
  /** Candidates each side brings: enough that the fusion can reorder well past the requested page. */
  public static int candidatesPerSide(int limit) {
    return Math.min(300, Math.max(50, 3 * limit));
  }

  /**
   * A search writes only retrieval counters: its commit need not wait for the WAL flush, most of the commit's
   * time (BENCHMARKS.md, "Search latency"). A crash may lose the last few increments, never a memory; see
   * PostgreSQL's "Asynchronous Commit".
   */
  private static final String NO_COMMIT_WAIT = "SET LOCAL synchronous_commit = off";

  private final Pool pool;
  private final SearchRepository search;
  private final MemoryRepository memories;
  private final QueryEmbeddings queryEmbeddings;
  private final HybridRanking ranking;

  public SearchService(Pool pool, SearchRepository search, MemoryRepository memories, QueryEmbeddings queryEmbeddings,
                       HybridRanking ranking) {
    this.pool = pool;
    this.search = search;
    this.memories = memories;
    this.queryEmbeddings = queryEmbeddings;
    this.ranking = ranking;
  }

  /** A search's page, ranked, before its retrieval events are recorded ({@link #record}). */
  public record RankedPage(List<HybridRanking.Ranked> page, boolean explain, boolean semantic, String notice) {
    public List<String> memoryIds() {
      return page.stream().map(r -> r.candidate().memoryId()).toList();
    }
  }

  public Future<SearchResults> search(String workspaceId, SearchQuery q) {
    if (q.query() == null) {
      return byFilters(workspaceId, q);
    }
    return rank(workspaceId, q).compose(page -> record(workspaceId, page));
  }

  /**
   * A search without a query (a client looking for the memories with a tag, say): the filters' memories, the
   * most important first, then the newest, each scored by its importance; retrieval events as for any search.
   */
  private Future<SearchResults> byFilters(String workspaceId, SearchQuery q) {
    return pool.withConnection(conn -> search.byFilters(conn, workspaceId, q))
        .compose(ids -> recordRetrievals(workspaceId, ids).map(found -> {
          List<SearchResult> out = new ArrayList<>(ids.size());
          for (String id : ids) {
            Memory m = found.get(id);
            if (m != null) {   // deleted between the two statements: left out
              out.add(new SearchResult(m, m.importanceScore(), null, null, null));
            }
          }
          return new SearchResults(out, false, null);
        }));
  }

  /**
   * The page of a search, read and ranked. The query's terms are counted while a worker embeds it (the
   * embedding takes a few milliseconds and the terms do not depend on it), each read on a connection of its
   * own for as long as it runs.
   */
  public Future<RankedPage> rank(String workspaceId, SearchQuery q) {
    // a query of only spaces has no meaning to embed (the REST contract refuses it; MCP arguments may not)
    boolean wantMeaning = (q.useSemantic() || !q.useKeyword()) && !q.query().isBlank();
    Future<Optional<String>> vector = wantMeaning
        ? queryEmbeddings.embed(q.query()) : Future.succeededFuture(Optional.empty());
    boolean wantWords = q.useKeyword() || !wantMeaning;
    Future<SearchRepository.Prelude> prelude = pool.withConnection(conn -> search.prelude(conn, workspaceId,
        q.query(), wantWords, wantMeaning));
    return Future.all(vector, prelude).compose(both -> {
      Optional<String> v = vector.result();
      boolean byMeaning = v.isPresent();
      // Meaning was asked for alone but cannot be had: words are better than nothing.
      boolean byWords = q.useKeyword() || !byMeaning;
      String notice = wantMeaning && !byMeaning
          ? "The query could not be embedded in time (no embedding worker answered); ranked by keywords only."
          : null;
      Future<SearchRepository.Prelude> ready = byWords && !wantWords
          ? pool.withConnection(conn -> search.prelude(conn, workspaceId, q.query(), true, false))
          : Future.succeededFuture(prelude.result());
      return ready.compose(p -> {
        Function<SqlConnection, Future<List<SearchCandidate>>> read = conn -> search.candidates(conn, workspaceId,
            q, p, byWords, v.orElse(null), candidatesPerSide(q.limit()));
        // the index scan's settings are SET LOCAL: a transaction of their own
        return (byMeaning && !p.exact() ? pool.withTransaction(read) : pool.withConnection(read));
      }).map(candidates -> new RankedPage(ranking.rank(candidates, byWords, byMeaning).stream().limit(q.limit())
          .toList(), q.explain(), byMeaning, notice));
    });
  }

  /**
   * Records the page's retrieval events (one statement, which also reads the memories) and answers the
   * results; a memory deleted since it was ranked is left out.
   */
  public Future<SearchResults> record(String workspaceId, RankedPage page) {
    return recordRetrievals(workspaceId, page.memoryIds())
        .map(found -> results(page.page(), found, page.explain(), page.semantic(), page.notice()));
  }

  /** One retrieval event for each of these memories, in one statement that also reads them (by memory_id). */
  private Future<Map<String, Memory>> recordRetrievals(String workspaceId, List<String> ids) {
    return ids.isEmpty() ? Future.succeededFuture(Map.of())
        : Transactions.run(pool, conn -> conn.query(NO_COMMIT_WAIT).execute()
            .compose(x -> memories.recordRetrievals(conn, workspaceId, ids)));
  }

  private static SearchResults results(List<HybridRanking.Ranked> page, Map<String, Memory> found, boolean explain,
                                       boolean semantic, String notice) {
    List<SearchResult> out = new ArrayList<>(page.size());
    for (HybridRanking.Ranked r : page) {
      Memory m = found.get(r.candidate().memoryId());
      if (m != null) {   // deleted between the two statements: left out
        out.add(new SearchResult(m, r.score(), r.keywordScore(), r.semanticScore(),
            explain ? r.explanation() : null));
      }
    }
    return new SearchResults(out, semantic, notice);
  }
}
