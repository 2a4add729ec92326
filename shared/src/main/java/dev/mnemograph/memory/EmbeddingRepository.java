package dev.mnemograph.memory;

import dev.mnemograph.jobs.JobKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Memory embeddings and the record of the model that made them ({@code embedding_space}), so that
 * vectors of two models are never mixed.
 */
public final class EmbeddingRepository {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingRepository.class);

  /** A digest of the parts of a memory its embedding is made from (see {@link MemoryText}). */
  private static final String TEXT_HASH = "md5(row(title, narrative, concepts, tags)::text)";

  private static final String TEXTS = """
      SELECT m.workspace_id, m.memory_id, m.title, m.narrative, m.concepts, m.tags, %s
      FROM memory m JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, memory_id)
        ON m.workspace_id = k.workspace_id AND m.memory_id = k.memory_id""".formatted(TEXT_HASH);

  /**
   * Only while the memory still has the text the vector was computed from: two embed jobs of one memory can
   * run at once (two workers, a lease reclaim, two lanes), and the one that read the older text may commit
   * last. Its write is then a no-op; the edit that changed the text queued the job that embeds the new one.
   */
  private static final String STORE = """
      INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
      SELECT workspace_id, memory_id, $3::vector, $4 FROM memory
      WHERE workspace_id = $1 AND memory_id = $2 AND %s = $5
      ON CONFLICT (workspace_id, memory_id) DO UPDATE SET embedding = EXCLUDED.embedding, model = EXCLUDED.model"""
      .formatted(TEXT_HASH);

  private static final String COLUMN_DIMENSION = """
      SELECT atttypmod FROM pg_attribute WHERE attrelid = 'memory_embedding'::regclass AND attname = 'embedding'""";

  private static final String CURRENT_SPACE = "SELECT model, dimension FROM embedding_space FOR UPDATE";

  private static final String RECORD_SPACE = """
      INSERT INTO embedding_space (model, dimension) VALUES ($1, $2)
      ON CONFLICT (singleton) DO UPDATE SET model = EXCLUDED.model, dimension = EXCLUDED.dimension, changed_at = now()""";

  private static final String FORGET_EMBEDDINGS = """
      DELETE FROM memory_embedding""";

  private static final String FORGET_SIMILARITY_EDGES =
      "DELETE FROM memory_relationship WHERE discovery_method = 'embedding_similarity'";

  private static final String REEMBED_ALL = """
      INSERT INTO job (workspace_id, kind, memory_id) SELECT workspace_id, $1, memory_id FROM memory
      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  private final Pool pool;

  public EmbeddingRepository(Pool pool) {
    this.pool = pool;
  }

  /** The text parts of the given memories (those that still exist), keyed by workspace and memory. */
  public Future<List<MemoryText>> texts(List<String> workspaceIds, List<String> memoryIds) {
    return pool.preparedQuery(TEXTS)
        .execute(Tuple.tuple().addArrayOfString(workspaceIds.toArray(String[]::new))
            .addArrayOfString(memoryIds.toArray(String[]::new)))
        .map(rows -> {
          List<MemoryText> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new MemoryText(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
              Arrays.asList(r.getArrayOfStrings(4)), Arrays.asList(r.getArrayOfStrings(5)), r.getString(6))));
          return out;
        });
  }

  /**
   * Stores vectors (pgvector text form) for the memories, in the caller's transaction; a memory whose text
   * changed since {@link #texts} read it keeps what it has (see {@link #STORE}).
   */
  public static Future<Void> store(SqlClient conn, List<MemoryText> memories, List<String> vectors, String model) {
    if (memories.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(memories.size());
    for (int i = 0; i < memories.size(); i++) {
      MemoryText m = memories.get(i);
      rows.add(Tuple.of(m.workspaceId(), m.memoryId(), vectors.get(i), model, m.textHash()));
    }
    return conn.preparedQuery(STORE).executeBatch(rows).mapEmpty();
  }

  /**
   * Makes the database agree with the configured model. A first start records it; the same model is a
   * no-op; another model of the same dimension clears every embedding and similarity edge and queues a
   * re-embed of every memory (never mixed vectors); another dimension is refused with a clear error.
   * Answers how many memories were queued for re-embedding.
   */
  public Future<Long> reconcileModel(String model, int dimension) {
    return pool.withTransaction(conn -> conn.query(COLUMN_DIMENSION).execute()
        .compose(col -> {
          int columnDimension = col.iterator().next().getInteger(0);
          if (columnDimension != dimension) {
            return Future.failedFuture(new IllegalStateException("embedding.model '" + model + "' makes "
                + dimension + "-dimensional vectors but the database stores " + columnDimension
                + "-dimensional ones; choose a " + columnDimension + "-dimensional model"));
          }
          return conn.query(CURRENT_SPACE).execute();
        })
        .compose(current -> {
          if (current.size() == 1 && model.equals(current.iterator().next().getString(0))) {
            return Future.succeededFuture(0L);
          }
          String previous = current.size() == 1 ? current.iterator().next().getString(0) : null;
          Future<Long> requeued = previous == null ? Future.succeededFuture(0L)
              : conn.query(FORGET_EMBEDDINGS).execute()
                  .compose(v -> conn.query(FORGET_SIMILARITY_EDGES).execute())
                  .compose(v -> conn.preparedQuery(REEMBED_ALL).execute(Tuple.of(JobKind.EMBED.dbName())))
                  .map(rows -> (long) rows.rowCount());
          return requeued.compose(n -> conn.preparedQuery(RECORD_SPACE).execute(Tuple.of(model, dimension))
              .map(v -> {
                if (previous != null) {
                  LOG.warn("Embedding model changed from {} to {}: cleared the old vectors and queued {} memories "
                      + "for re-embedding", previous, model, n);
                }
                return n;
              }));
        }));
  }
}
