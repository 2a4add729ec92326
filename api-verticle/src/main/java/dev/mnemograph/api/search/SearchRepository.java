package dev.mnemograph.api.search;

import dev.mnemograph.vector.VectorSearch;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The SQL of hybrid search: one statement gathers the best candidates by words (full-text search on the GIN
 * index of {@code memory.search_document}) and by meaning (pgvector cosine), and answers each candidate's raw
 * signals; {@link HybridRanking} turns them into scores.
 *
 * <p>Keyword relevance is BM25-like: PostgreSQL's ts_rank of each query term (field weights title 1.0, tags
 * and concepts 0.4, narrative 0.2), weighted by the term's inverse document frequency in the workspace
 * ({@link TermStatistics}: counted on the index up to a cap, so the cost is bounded). A term more common than
 * the cap does not bring up candidates by itself, though it still scores them; a query of only such terms
 * brings up the memories that have all of them. ts_rank
 * alone has no IDF: a question's common words ("when", a speaker's name) would outweigh its rare ones. A
 * term no memory of the workspace has still counts in the query's total weight, against which a memory's
 * {@link SearchCandidate#coverage() coverage} is measured.
 *
 * <p>Semantic candidates come from the same scoped paths as {@link VectorSearch}: an exact scan for a
 * workspace of at most {@code exactScanMaxRows} embeddings, pgvector's iterative HNSW scan (strict order)
 * beyond, so a small workspace among many rows still gets a full top-k.
 */
public final class SearchRepository {
  static final int KEYWORD_SCAN_CAP = 2_000;
  /** ts_rank weights for D, C, B, A: unused, narrative, tags and concepts, title. */
  private static final String WEIGHTS = "'{0, 0.2, 0.4, 1.0}'";

  /** $1 workspace, $4 memory types, $5 tags (all), $6 tag prefixes (any), $7 source files (any), $8 min importance. */
  private static final String FILTERS = """
        AND ($4::text[] IS NULL OR m.memory_type = ANY($4::text[]))
        AND ($5::text[] IS NULL OR m.tags @> $5::text[])
        AND ($6::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest(m.tags) t, unnest($6::text[]) p WHERE starts_with(t, p)))
        AND ($7::text[] IS NULL OR m.source_files && $7::text[])
        AND ($8::float8 IS NULL OR m.importance_score >= $8::float8)
      """;

  /**
   * The query's terms ($2) with their document frequencies ($10, see {@link TermStatistics}) and IDF, and the
   * query that picks keyword candidates: the rarest terms, as many as keep their matches within
   * {@value #KEYWORD_SCAN_CAP} (so the scan cap below never cuts a match of them), at least the rarest one;
   * or, when every term is common, all of them together (memories with any one of them would be most of the
   * workspace, and tell nothing).
   */
  private static final String TERMS = """
      terms AS (
        SELECT search_term(t.lexeme) AS term, least(t.df, %1$d) AS df,
               ln(1 + (%1$d + 0.5) / (least(t.df, %1$d) + 0.5)) AS idf
        FROM unnest($2::text[], $10::int[]) AS t(lexeme, df)),
      rare AS (
        SELECT term, sum(df) OVER (ORDER BY df, term::text ROWS UNBOUNDED PRECEDING) AS reach,
               row_number() OVER (ORDER BY df, term::text) AS n
        FROM terms WHERE df > 0 AND df < %1$d),
      picking AS (
        SELECT coalesce((SELECT string_agg(term::text, ' | ') FROM rare WHERE reach <= %2$d OR n = 1),
                        (SELECT string_agg(term::text, ' & ') FROM terms WHERE df > 0))::tsquery AS query)"""
      .formatted(TermStatistics.DF_CAP, KEYWORD_SCAN_CAP);

  /** Orders the by-words candidates (SCORED sums the same for every candidate). */
  private static final String KEYWORD_SCORE =
      "coalesce((SELECT sum(w.idf * ts_rank(" + WEIGHTS + ", m.search_document, w.term)) FROM terms w), 0)";

  /**
   * $9 how many candidates each side brings. At most {@value #KEYWORD_SCAN_CAP} matching memories are ranked,
   * so that a query of common words stays fast in a large workspace (meaning still ranks all of them). A
   * cheaper first cut by one ts_rank of the picking query (no IDF) was tried and dropped: it lost the one
   * memory with a query's rarest word among hundreds with a commoner one, for no measurable gain.
   */
  private static final String BY_WORDS = """
      by_words AS (
        SELECT m.id FROM (
          SELECT m.id, m.memory_id, m.search_document FROM memory m, picking
          WHERE m.workspace_id = $1 AND m.search_document @@ picking.query
      """ + FILTERS + """
          LIMIT %d) m
        ORDER BY %s DESC, m.memory_id LIMIT $9)""".formatted(KEYWORD_SCAN_CAP, KEYWORD_SCORE);

  /** $3 the query vector. "+ 0" keeps the planner off the global HNSW index (see VectorSearch). */
  private static final String BY_MEANING = """
      by_meaning AS (
        SELECT m.id FROM memory_embedding e
        JOIN memory m ON m.workspace_id = e.workspace_id AND m.memory_id = e.memory_id
        WHERE e.workspace_id = $1
      """ + FILTERS + """
        ORDER BY (e.embedding <=> $3::vector)%s LIMIT $9)""";

  /** Each candidate's signals, from one pass over the query's terms. */
  private static final String SCORED = """
      SELECT m.memory_id, m.importance_score,
             CASE WHEN e.embedding IS NULL OR $3::vector IS NULL THEN NULL ELSE 1 - (e.embedding <=> $3::vector) END,
             k.keyword, coalesce(k.matched_idf / nullif(k.total_idf, 0), 0), k.matched_terms
      FROM (%s) c JOIN memory m ON m.id = c.id
      LEFT JOIN memory_embedding e ON e.workspace_id = m.workspace_id AND e.memory_id = m.memory_id
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(w.idf * ts_rank(WEIGHTS_HERE, m.search_document, w.term)), 0) AS keyword,
               sum(w.idf) FILTER (WHERE m.search_document @@ w.term) AS matched_idf,
               sum(w.idf) AS total_idf,
               coalesce(array_agg(btrim(w.term::text, '''')) FILTER (WHERE m.search_document @@ w.term), '{}')
                 AS matched_terms
        FROM terms w) k""".replace("WEIGHTS_HERE", WEIGHTS);

  private static final String ITERATIVE_SCAN = """
      SET LOCAL hnsw.iterative_scan = strict_order;
      SET LOCAL hnsw.ef_search = 100;
      SET LOCAL hnsw.max_scan_tuples = 200000""";

  /** How long a workspace's size class (exact scan or index) is trusted before it is counted again. */
  static final long SIZE_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final VectorSearch vectors;
  /**
   * workspace → (small enough for the exact scan?, when counted). Counting costs a few milliseconds in a large
   * workspace, on every search; a stale answer is still a correct one (the exact scan is exact at any size,
   * and the strict iterative index scan fills the top-k at any size), only slower for a while.
   */
  private final Map<String, SizeClass> sizes = new ConcurrentHashMap<>();
  private final TermStatistics termStatistics = new TermStatistics();

  private record SizeClass(boolean small, long countedAt) {
  }

  public SearchRepository(int exactScanMaxRows) {
    this.vectors = new VectorSearch(exactScanMaxRows);
  }

  /**
   * What a search reads before its candidates, none of it from the query's vector: the terms with their
   * frequencies (none unless by words) and whether the workspace's embeddings are few enough for the exact
   * scan (true unless by meaning). A search can read it while the query is being embedded.
   */
  public record Prelude(TermStatistics.Terms terms, boolean exact) {
  }

  public Future<Prelude> prelude(SqlConnection conn, String workspaceId, String query, boolean byWords,
                                 boolean byMeaning) {
    Future<TermStatistics.Terms> terms = byWords ? termStatistics.of(conn, workspaceId, query)
        : Future.succeededFuture(new TermStatistics.Terms(List.of(), List.of()));
    return terms.compose(t -> (byMeaning ? small(conn, workspaceId) : Future.succeededFuture(true))
        .map(exact -> new Prelude(t, exact)));
  }

  /**
   * Up to {@code perSide} candidates by words and as many by meaning (fewer when the workspace has fewer),
   * each with its raw signals; in no particular order.
   *
   * @param byWords whether words bring up candidates and score them
   * @param vector  the query's embedding in pgvector text form, or null to search by words only
   */
  public Future<List<SearchCandidate>> candidates(SqlConnection conn, String workspaceId, SearchQuery q,
                                                  boolean byWords, String vector, int perSide) {
    return prelude(conn, workspaceId, q.query(), byWords, vector != null)
        .compose(p -> candidates(conn, workspaceId, q, p, byWords, vector, perSide));
  }

  /**
   * {@link #candidates(SqlConnection, String, SearchQuery, boolean, String, int)} with its prelude read
   * already, by words as far as {@code prelude} has terms. By meaning in a workspace past the exact scan it
   * sets the index scan up with SET LOCAL, so {@code conn} must then be in a transaction.
   */
  public Future<List<SearchCandidate>> candidates(SqlConnection conn, String workspaceId, SearchQuery q,
                                                  Prelude prelude, boolean byWords, String vector, int perSide) {
    boolean byMeaning = vector != null;
    boolean exact = !byMeaning || prelude.exact();
    TermStatistics.Terms t = prelude.terms();
    Future<?> setup = exact ? Future.succeededFuture() : conn.query(ITERATIVE_SCAN).execute();
    return setup.compose(v -> conn.preparedQuery(sql(byWords, byMeaning, exact))
        .execute(Tuple.tuple()
            .addString(workspaceId).addArrayOfString(t.lexemes().toArray(String[]::new)).addString(vector)
            .addArrayOfString(orNull(q.memoryTypes())).addArrayOfString(orNull(q.tags()))
            .addArrayOfString(orNull(q.tagPrefixes())).addArrayOfString(orNull(q.sourceFiles()))
            .addDouble(q.minImportance()).addInteger(perSide)
            .addArrayOfInteger(t.frequencies().toArray(Integer[]::new))))
        .map(rows -> {
          List<SearchCandidate> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new SearchCandidate(r.getString(0), r.getDouble(1), r.getDouble(2), r.getDouble(3),
                r.getDouble(4), Arrays.asList(r.getArrayOfStrings(5))));
          }
          return out;
        });
  }

  private Future<Boolean> small(SqlConnection conn, String workspaceId) {
    SizeClass known = sizes.get(workspaceId);
    if (known != null && System.nanoTime() - known.countedAt() < SIZE_RECHECK_NANOS) {
      return Future.succeededFuture(known.small());
    }
    return vectors.scannedExactly(conn, List.of(workspaceId)).map(exact -> {
      boolean small = exact.contains(workspaceId);
      sizes.put(workspaceId, new SizeClass(small, System.nanoTime()));
      return small;
    });
  }

  /**
   * A search without words ($1 workspace, $2..$6 the filters, $7 limit): the filters' memories, the most
   * important first, then the newest.
   */
  private static final String BY_FILTERS = "SELECT m.memory_id FROM memory m WHERE m.workspace_id = $1\n"
      + FILTERS.replace("$4", "$2").replace("$5", "$3").replace("$6", "$4").replace("$7", "$5").replace("$8", "$6")
      + "ORDER BY m.importance_score DESC, m.created_at DESC, m.memory_id LIMIT $7";

  /** The memory ids of a search without a query ({@code q.query()} null), best first: see {@link #BY_FILTERS}. */
  public Future<List<String>> byFilters(SqlConnection conn, String workspaceId, SearchQuery q) {
    return conn.preparedQuery(BY_FILTERS)
        .execute(Tuple.tuple().addString(workspaceId)
            .addArrayOfString(orNull(q.memoryTypes())).addArrayOfString(orNull(q.tags()))
            .addArrayOfString(orNull(q.tagPrefixes())).addArrayOfString(orNull(q.sourceFiles()))
            .addDouble(q.minImportance()).addInteger(q.limit()))
        .map(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(r -> ids.add(r.getString(0)));
          return ids;
        });
  }

  /** The statement {@link #candidates} runs (public for EXPLAIN in tests and benchmarks). */
  public static String sql(boolean byWords, boolean byMeaning, boolean exact) {
    List<String> ctes = new ArrayList<>(List.of(TERMS));
    List<String> sides = new ArrayList<>();
    if (byWords) {
      ctes.add(BY_WORDS);
      sides.add("SELECT id FROM by_words");
    }
    if (byMeaning) {
      ctes.add(BY_MEANING.formatted(exact ? " + 0" : ""));
      sides.add("SELECT id FROM by_meaning");
    }
    if (sides.isEmpty()) {
      throw new IllegalArgumentException("A search needs words, meaning or both");
    }
    return "WITH " + String.join(",\n", ctes) + "\n" + SCORED.formatted(String.join(" UNION ", sides));
  }

  private static String[] orNull(List<String> values) {
    return values.isEmpty() ? null : values.toArray(String[]::new);
  }
}
