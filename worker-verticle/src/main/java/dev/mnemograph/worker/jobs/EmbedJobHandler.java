package dev.mnemograph.worker.jobs;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.EmbeddingRepository;
import dev.mnemograph.memory.MemoryText;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingText;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.List;

/**
 * Embeds the current text of a batch of memories on the embedding worker pool, stores the vectors and
 * queues relationship discovery for each, all in one transaction. A memory deleted since is skipped; a
 * memory whose text changed since it was read keeps its vector (an older text's never overwrites a newer
 * one's), and the edit's own pending job embeds the new text.
 */
public final class EmbedJobHandler implements JobHandler {
  private final Pool pool;
  private final EmbeddingRepository embeddings;
  private final Embedder embedder;
  private final WorkerExecutor embeddingPool;
  private final int batchSize;
  private final WorkerMetrics metrics;

  public EmbedJobHandler(Pool pool, EmbeddingRepository embeddings, Embedder embedder, WorkerExecutor embeddingPool,
                         int batchSize, WorkerMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.embeddings = embeddings;
    this.embedder = embedder;
    this.embeddingPool = embeddingPool;
    this.batchSize = batchSize;
  }

  @Override
  public JobKind kind() {
    return JobKind.EMBED;
  }

  @Override
  public int claimLimit() {
    return batchSize;
  }

  @Override
  public boolean batched() {
    return true;
  }

  @Override
  public int lanes() {
    return 2;
  }

  @Override
  public Future<Void> run(List<Job> jobs, String workerId) {
    return embeddings.texts(jobs.stream().map(Job::workspaceId).toList(), jobs.stream().map(Job::memoryId).toList())
        .compose(memories -> {
          List<String> texts = memories.stream()
              .map(m -> EmbeddingText.of(m.title(), m.narrative(), m.concepts(), m.tags())).toList();
          long started = System.nanoTime();
          Future<List<String>> vectors = texts.isEmpty() ? Future.succeededFuture(List.of())
              : embeddingPool.executeBlocking(() -> embedder.embedAll(texts), false);
          Duration[] batch = {Duration.ZERO};
          vectors = vectors.onSuccess(v -> batch[0] = Duration.ofNanos(System.nanoTime() - started));
          List<String> workspaceIds = memories.stream().map(MemoryText::workspaceId).toList();
          List<String> memoryIds = memories.stream().map(MemoryText::memoryId).toList();
          return vectors.compose(v -> Transactions.run(pool, conn -> WorkspaceLock.forLinking(conn, workspaceIds)
              .compose(x -> EmbeddingRepository.store(conn, memories, v, embedder.modelName()))
              .compose(x -> JobQueue.enqueueAll(conn, JobKind.DISCOVER_RELATIONSHIPS, workspaceIds, memoryIds))
              .compose(x -> JobQueue.completeAged(conn, jobs, workerId))))
              .map(aged -> {
                metrics.embedded(texts.size(), batch[0], aged);
                return null;
              });
        });
  }
}
