package dev.mnemograph.api.search;

import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL of hybrid search on 2,000 memories: a workspace holding 1 % of them still gets a full, correct
 * top-k by meaning through the HNSW index, and the keyword side is served by the GIN index.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchRepositoryTest {
  private static final String BIG = "ws-srbig000000";
  private static final String SMALL = "ws-srsmall0000";
  private static final int K = 10;

  private TestDatabase db;
  private Pool pool;

  @BeforeAll
  void twoThousandMemories(TestDatabase db) {
    this.db = db;
    pool = db.pool();
    pool.query("INSERT INTO workspace (workspace_id, name) VALUES ('" + BIG + "', 'big'), ('" + SMALL + "', 'small')")
        .execute().await();
    // 1,980 in the big workspace, 20 (1 %) in the small one; random directions; a few words each
    pool.query("""
        INSERT INTO memory (memory_id, workspace_id, title, narrative)
        SELECT 'mem-sr' || lpad(i::text, 12, '0'), CASE WHEN i % 100 = 0 THEN 'ws-srsmall0000' ELSE 'ws-srbig000000' END,
               'note ' || i, (ARRAY['cache', 'queue', 'index', 'schema', 'deploy'])[i % 5 + 1] || ' word' || i
        FROM generate_series(1, 2000) i""").execute().await();
    pool.query("""
        INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
        SELECT workspace_id, memory_id,
               (SELECT array_agg(random() - 0.5) FROM generate_series(1, 384) WHERE m.id IS NOT NULL)::vector, 'random'
        FROM memory m""").execute().await();
    pool.query("ANALYZE memory").execute().await();
    pool.query("ANALYZE memory_embedding").execute().await();
  }

  private String randomVector() {
    return pool.query("SELECT (SELECT array_agg(random() - 0.5) FROM generate_series(1, 384))::vector::text")
        .execute().await().iterator().next().getString(0);
  }

  private List<String> exactTop(String workspaceId, String vector) {
    return pool.preparedQuery("""
            SELECT memory_id FROM memory_embedding WHERE workspace_id = $1
            ORDER BY (embedding <=> $2::vector) + 0 LIMIT $3""")
        .execute(Tuple.of(workspaceId, vector, K)).await().stream().map(r -> r.getString(0)).toList();
  }

  private List<String> byMeaning(SearchRepository repository, String workspaceId, String vector, boolean forceIndex) {
    SearchQuery q = new SearchQuery("zzz", List.of(), List.of(), List.of(), List.of(), null, K, true, false, false);
    return pool.withTransaction(conn -> conn.query(forceIndex ? "SET LOCAL enable_sort = off" : "SELECT 1").execute()
            .compose(v -> repository.candidates(conn, workspaceId, q, false, vector, K)))
        .await().stream()
        .sorted(Comparator.comparingDouble((SearchCandidate c) -> c.similarity()).reversed())
        .map(SearchCandidate::memoryId).toList();
  }

  @Test
  void a_workspace_with_1_percent_of_the_rows_gets_a_full_top_k_through_the_index() {
    SearchRepository indexed = new SearchRepository(0);   // never the exact path: the HNSW index
    int queries = 10;
    double found = 0;
    for (int i = 0; i < queries; i++) {
      String vector = randomVector();
      List<String> exact = exactTop(SMALL, vector);
      List<String> got = byMeaning(indexed, SMALL, vector, true);
      assertEquals(K, got.size(), "never fewer than k rows");
      found += got.stream().filter(exact::contains).count();
    }
    // approximate, and random 384-d directions are the hardest case for HNSW; real embeddings do better
    double recall = found / (queries * K);
    assertTrue(recall >= 0.9, "recall@10 against an exact scan: " + recall);
  }

  @Test
  void the_exact_path_answers_the_same() {
    SearchRepository exact = new SearchRepository(5_000);
    String vector = randomVector();
    assertEquals(exactTop(SMALL, vector), byMeaning(exact, SMALL, vector, false));
    assertEquals(exactTop(BIG, vector), byMeaning(exact, BIG, vector, false));
  }

  /**
   * Without vectors in its rows, 2,000 memories fit in so few pages that a sequential scan is the planner's
   * honest choice here; what must hold is that the statement can use the GIN index when the table is large.
   */
  @Test
  void the_keyword_side_can_use_the_gin_index_instead_of_a_sequential_scan() {
    String plan = pool.withTransaction(conn -> conn.query("SET LOCAL enable_seqscan = off").execute()
            .compose(v -> conn.preparedQuery("EXPLAIN " + SearchRepository.sql(true, false, true))
                .execute(Tuple.tuple().addString(BIG).addArrayOfString(new String[] {"word1234", "schema"})
                    .addString(null).addArrayOfString(null).addArrayOfString(null).addArrayOfString(null)
                    .addArrayOfString(null).addDouble(null).addInteger(K)
                    .addArrayOfInteger(new Integer[] {1, 396}))))
        .await().stream().map(r -> r.getString(0)).reduce("", (a, b) -> a + b + "\n");

    assertTrue(plan.contains("memory_search_document"), plan);
    assertFalse(plan.contains("Seq Scan on memory"), plan);
  }

  @Test
  void rarer_terms_weigh_more() {
    SearchQuery q = new SearchQuery("schema word1234", List.of(), List.of(), List.of(), List.of(), null, K, false,
        true, false);
    List<SearchCandidate> found = pool.withTransaction(conn -> new SearchRepository(5_000)
        .candidates(conn, BIG, q, true, null, K)).await();
    SearchCandidate best = found.stream().max(Comparator.comparingDouble(SearchCandidate::keyword)).orElseThrow();

    assertEquals("mem-sr000000001234", best.memoryId(), "the one memory with the rare word");
    assertTrue(best.coverage() > 0.5, "its rare word is most of the query's weight: " + best.coverage());
  }
}
