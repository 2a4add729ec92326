package dev.mnemograph.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SQL of hybrid search: one statement gathers the best candidates by words (full-text search on the GIN
 * index of {@code memory.search_document}) and by meaning (pgvector cosine), and answers each candidate's raw
 * signals; {@link HybridRanking} turns them into scores.
 *
 * <p>Keyword relevance is BM25-like: PostgreSQL's ts_rank of each query term (field weights title 1.0, tags
 * and concepts 0.4, narrative 0.2), weighted by the term's inverse document frequency in the workspace. A
 * term's document frequency is counted on the index up to {@value #DF_CAP} (so the cost is bounded), and a
 * term more common than that does not bring up candidates by itself, though it still scores them. ts_rank
 * alone has no IDF: a question's common words ("when", a speaker's name) would outweigh its rare ones. A
 * term no memory of the workspace has still counts in the query's total weight, against which a memory's
 * {@link SearchCandidate#coverage() coverage} is measured.
 *
 * <p>Semantic candidates come from the same scoped paths as {@link VectorSearch}: an exact scan for a
 * workspace of at most {@code exactScanMaxRows} embeddings, pgvector's iterative HNSW scan (strict order)
 * beyond, so a small workspace among many rows still gets a full top-k.
 */
public final class SearchRepository {
  static final int DF_CAP = 1000;
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

  /** The query's terms with their capped document frequency and IDF; $2 the query text. */
  private static final String TERMS = """
      terms AS (
        SELECT q.term, least(df.n, %1$d) AS df, ln(1 + (%1$d + 0.5) / (least(df.n, %1$d) + 0.5)) AS idf
        FROM unnest(tsvector_to_array(to_tsvector('english', $2::text))) AS t(lexeme)
        CROSS JOIN LATERAL (SELECT plainto_tsquery('simple', t.lexeme) AS term) q
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM (
            SELECT 1 FROM memory m WHERE m.workspace_id = $1 AND m.search_document @@ q.term LIMIT %1$d) c) df),
      picking AS (
        SELECT string_agg(term::text, ' | ')::tsquery AS query FROM terms
        WHERE df < %1$d OR NOT EXISTS (SELECT 1 FROM terms WHERE df < %1$d))""".formatted(DF_CAP);

  private static final String KEYWORD_SCORE =
      "coalesce((SELECT sum(w.idf * ts_rank(" + WEIGHTS + ", m.search_document, w.term)) FROM terms w), 0)";

  /** $9 how many candidates each side brings. */
  private static final String BY_WORDS = """
      by_words AS (
        SELECT m.id FROM memory m, picking
        WHERE m.workspace_id = $1 AND m.search_document @@ picking.query
      """ + FILTERS + """
        ORDER BY %s DESC, m.memory_id LIMIT $9)""".formatted(KEYWORD_SCORE);

  /** $3 the query vector. "+ 0" keeps the planner off the global HNSW index (see VectorSearch). */
  private static final String BY_MEANING = """
      by_meaning AS (
        SELECT m.id FROM memory m
        WHERE m.workspace_id = $1 AND m.embedding IS NOT NULL
      """ + FILTERS + """
        ORDER BY (m.embedding <=> $3::vector)%s LIMIT $9)""";

  private static final String SCORED = """
      SELECT m.memory_id, m.importance_score,
             CASE WHEN m.embedding IS NULL OR $3::vector IS NULL THEN NULL ELSE 1 - (m.embedding <=> $3::vector) END,
             %s,
             coalesce((SELECT sum(w.idf) FROM terms w WHERE m.search_document @@ w.term)
                      / nullif((SELECT sum(idf) FROM terms), 0), 0),
             (SELECT coalesce(array_agg(btrim(w.term::text, '''')), '{}') FROM terms w WHERE m.search_document @@ w.term)
      FROM (%s) c JOIN memory m ON m.id = c.id""".formatted(KEYWORD_SCORE, "%s");

  private static final String ITERATIVE_SCAN = """
      SET LOCAL hnsw.iterative_scan = strict_order;
      SET LOCAL hnsw.ef_search = 100;
      SET LOCAL hnsw.max_scan_tuples = 200000""";

  private static final String COUNT_EMBEDDED = """
      SELECT count(*) FROM (SELECT 1 FROM memory WHERE workspace_id = $1 AND embedding IS NOT NULL LIMIT $2) c""";

  private final int exactScanMaxRows;

  public SearchRepository(int exactScanMaxRows) {
    this.exactScanMaxRows = exactScanMaxRows;
  }

  /**
   * Up to {@code perSide} candidates by words and as many by meaning (fewer when the workspace has fewer),
   * each with its raw signals; in no particular order.
   *
   * @param vector the query's embedding in pgvector text form, or null to search by words only
   */
  public Future<List<SearchCandidate>> candidates(SqlConnection conn, String workspaceId, SearchQuery q,
                                                  String vector, int perSide) {
    boolean byMeaning = vector != null;
    Future<Boolean> exact = !byMeaning ? Future.succeededFuture(true)
        : conn.preparedQuery(COUNT_EMBEDDED).execute(Tuple.of(workspaceId, exactScanMaxRows + 1))
            .map(rows -> rows.iterator().next().getLong(0) <= exactScanMaxRows);
    return exact.compose(small -> {
      Future<?> setup = byMeaning && !small ? conn.query(ITERATIVE_SCAN).execute() : Future.succeededFuture();
      return setup.compose(v -> conn.preparedQuery(sql(q.useKeyword(), byMeaning, small))
          .execute(Tuple.tuple()
              .addString(workspaceId).addString(q.query()).addString(vector)
              .addArrayOfString(orNull(q.memoryTypes())).addArrayOfString(orNull(q.tags()))
              .addArrayOfString(orNull(q.tagPrefixes())).addArrayOfString(orNull(q.sourceFiles()))
              .addDouble(q.minImportance()).addInteger(perSide)))
          .map(rows -> {
            List<SearchCandidate> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
              out.add(new SearchCandidate(r.getString(0), r.getDouble(1), r.getDouble(2), r.getDouble(3),
                  r.getDouble(4), Arrays.asList(r.getArrayOfStrings(5))));
            }
            return out;
          });
    });
  }

  static String sql(boolean byWords, boolean byMeaning, boolean exact) {
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
