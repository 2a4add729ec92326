package dev.mnemograph.memory;

import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changing the embedding model never leaves vectors of two models side by side. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingRepositoryTest {
  private TestDatabase db;
  private Pool pool;

  @BeforeAll
  void database() {
    db = TestDatabase.start("embeddings");
    pool = db.pool();
  }

  @AfterAll
  void close() {
    db.close();
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
