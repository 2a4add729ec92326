package dev.mnemograph.memory;

import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changing the embedding model never leaves vectors of two models side by side. */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingRepositoryTest {
  private TestDatabase db;
  private Pool pool;

  @BeforeAll
  void database(TestDatabase db) {
    this.db = db;
    pool = db.pool();
  }

  private static String vector(float value) {
    StringBuilder v = new StringBuilder("[");
    for (int i = 0; i < 384; i++) {
      v.append(i == 0 ? "" : ",").append(i % 2 == 0 ? value : 1);
    }
    return v.append("]").toString();
  }

  @Test
  void the_same_model_keeps_the_vectors_and_another_model_queues_a_re_embed_of_everything() {
    EmbeddingRepository embeddings = new EmbeddingRepository(pool);
    assertEquals(0L, embeddings.reconcileModel("model-a", 384).await(), "first start: recorded, nothing to redo");
    String ws = new WorkspaceRepository(pool).createWorkspace("embeddings", "k").await().workspace().workspaceId();
    MemoryRepository memories = new MemoryRepository(pool, 90);
    NewMemory m = new NewMemory("t", "n", "general", List.of(), List.of(), List.of(), 0.5, 0.5);
    String a = pool.withTransaction(conn -> memories.insert(conn, ws, m)).await().memoryId();
    String b = pool.withTransaction(conn -> memories.insert(conn, ws, m)).await().memoryId();
    List<MemoryText> texts = embeddings.texts(List.of(ws, ws), List.of(a, b)).await();
    pool.withTransaction(conn -> EmbeddingRepository.store(conn, texts, List.of(vector(1), vector(2)), "model-a")).await();
    pool.preparedQuery("""
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method, confidence)
            VALUES ($1, $2, $3, 'similar_to', 'embedding_similarity', 0.9), ($1, $2, $3, 'references', 'manual', 1)""")
        .execute(Tuple.of(ws, a, b)).await();

    assertEquals(0L, embeddings.reconcileModel("model-a", 384).await());
    assertEquals("model-a", row(a).getString("embedding_model"));

    assertEquals(2L, embeddings.reconcileModel("model-b", 384).await());

    assertNull(row(a).getString("embedding"));
    assertNull(row(b).getString("embedding_model"));
    assertEquals(2L, count("SELECT count(*) FROM job WHERE kind = 'embed' AND status = 'pending'"));
    assertEquals(0L, count("SELECT count(*) FROM memory_relationship WHERE discovery_method = 'embedding_similarity'"));
    assertEquals(1L, count("SELECT count(*) FROM memory_relationship WHERE discovery_method = 'manual'"));
    assertEquals("model-b", pool.query("SELECT model FROM embedding_space").execute().await().iterator().next()
        .getString(0));
  }

  /**
   * Two embed jobs of one memory at once: the one that read the text before an edit commits after the one
   * that read the edited text. The stored vector is the edited text's, whichever commits last.
   */
  @Test
  void a_vector_of_an_older_text_never_overwrites_the_current_texts_vector() {
    EmbeddingRepository embeddings = new EmbeddingRepository(pool);
    String ws = new WorkspaceRepository(pool).createWorkspace("stale-embedding", "k").await().workspace().workspaceId();
    NewMemory m = new NewMemory("Pool size", "Eight connections.", "general", List.of("db"), List.of(), List.of(),
        0.5, 0.5);
    String id = pool.withTransaction(conn -> new MemoryRepository(pool, 90).insert(conn, ws, m)).await().memoryId();
    List<MemoryText> before = embeddings.texts(List.of(ws), List.of(id)).await();
    pool.preparedQuery("UPDATE memory SET narrative = 'Sixteen connections.' WHERE memory_id = $1")
        .execute(Tuple.of(id)).await();
    List<MemoryText> after = embeddings.texts(List.of(ws), List.of(id)).await();

    pool.withTransaction(conn -> EmbeddingRepository.store(conn, after, List.of(vector(2)), "model-a")).await();
    pool.withTransaction(conn -> EmbeddingRepository.store(conn, before, List.of(vector(1)), "model-a")).await();

    assertTrue(pool.preparedQuery("SELECT embedding = $2::vector FROM memory_embedding WHERE memory_id = $1")
        .execute(Tuple.of(id, vector(2))).await().iterator().next().getBoolean(0), "the edited text's vector");
    String other = pool.withTransaction(conn -> new MemoryRepository(pool, 90).insert(conn, ws, m)).await().memoryId();
    List<MemoryText> stale = embeddings.texts(List.of(ws), List.of(other)).await();
    pool.preparedQuery("UPDATE memory SET tags = '{db,pool}' WHERE memory_id = $1").execute(Tuple.of(other)).await();
    pool.withTransaction(conn -> EmbeddingRepository.store(conn, stale, List.of(vector(1)), "model-a")).await();
    assertNull(row(other).getString("embedding"), "an older text's vector is not stored even when there is none");
  }

  @Test
  void a_model_of_another_dimension_is_refused_with_a_clear_error() {
    Throwable e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> new EmbeddingRepository(pool).reconcileModel("big-model", 768).await());
    assertTrue(e.getMessage().contains("768") && e.getMessage().contains("384"), e.getMessage());
  }

  private Row row(String memoryId) {
    return pool.preparedQuery("SELECT e.embedding::text AS embedding, e.model AS embedding_model FROM memory m "
            + "LEFT JOIN memory_embedding e USING (workspace_id, memory_id) WHERE m.memory_id = $1")
        .execute(Tuple.of(memoryId)).await().iterator().next();
  }

  private long count(String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
