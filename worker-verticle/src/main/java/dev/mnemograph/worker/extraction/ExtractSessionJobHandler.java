package dev.mnemograph.worker.extraction;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingText;
import dev.mnemograph.worker.jobs.JobHandler;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Extracts a session's memories ({@link SessionExtractor}) and writes what changed since the last run, in one
 * transaction with the job's completion: a new memory is inserted with its embedding (made here for the
 * near-duplicate check, and so stored at once: searchable by meaning at the commit, no embed job) and its
 * relationship discovery, or, when it repeats an existing memory of its type (cosine similarity at least
 * {@link #REPEATS}), that memory is strengthened instead; a memory of an earlier run whose text changed is
 * rewritten; an unchanged one is left alone. The session's {@code extracted_observations} then says how many of
 * its observations this run saw.
 */
public final class ExtractSessionJobHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ExtractSessionJobHandler.class);

  /**
   * The similarity from which a new memory repeats an old one: above bge-small's paraphrases of one text,
   * below which two chats on one subject still differ in what they decided.
   */
  static final double REPEATS = 0.95;

  private final Pool pool;
  private final ExtractionRepository extraction;
  private final Embedder embedder;
  private final WorkerExecutor embeddingPool;
  private final WorkerMetrics metrics;

  public ExtractSessionJobHandler(Pool pool, Embedder embedder, WorkerExecutor embeddingPool, WorkerMetrics metrics) {
    this.pool = pool;
    this.extraction = new ExtractionRepository(pool);
    this.embedder = embedder;
    this.embeddingPool = embeddingPool;
    this.metrics = metrics;
  }

  @Override
  public JobKind kind() {
    return JobKind.EXTRACT_SESSION;
  }

  @Override
  public int claimLimit() {
    return 4;
  }

  @Override
  public boolean batched() {
    return false;
  }

  /** Queues the sessions that were never ended and have been idle for {@code idle}; answers how many. */
  public Future<Integer> queueIdleSessions(Duration idle) {
    return extraction.queueIdle(idle);
  }

  @Override
  public Future<Void> run(List<Job> jobs, String workerId) {
    Job job = jobs.get(0);
    String ws = job.workspaceId();
    String sessionId = job.sessionId();
    long started = System.nanoTime();
    return extraction.session(ws, sessionId).compose(session -> {
      if (session == null || session.observationCount() == session.extractedObservations()) {
        return Transactions.run(pool, conn -> JobQueue.complete(conn, jobs, workerId));   // gone, or nothing new
      }
      SessionExtractor extractor = new SessionExtractor(sessionId);
      return extraction.observations(ws, sessionId, extractor::accept)
          .compose(v -> extraction.earlierRuns(ws, sessionId))
          .compose(earlier -> {
            List<ExtractedMemory> all = extractor.memories(session.projectName(), session.branchName());
            List<ExtractedMemory> changed = all.stream()
                .filter(m -> earlier.get(m.key()) == null || !earlier.get(m.key()).contentHash().equals(m.contentHash()))
                .toList();
            List<String> texts = changed.stream()
                .map(m -> EmbeddingText.of(m.title(), m.narrative(), List.of(), m.tags())).toList();
            Future<List<String>> vectors = texts.isEmpty() ? Future.succeededFuture(List.of())
                : embeddingPool.executeBlocking(() -> embedder.embedAll(texts), false);
            return vectors.compose(v -> Transactions.run(pool, conn -> WorkspaceLock.forLinking(conn, ws)
                .compose(x -> write(conn, ws, sessionId, changed, v, earlier))
                .compose(written -> ExtractionRepository.markExtracted(conn, ws, sessionId, session.observationCount())
                    .compose(x -> JobQueue.complete(conn, jobs, workerId))
                    .map(written))))
                .map(written -> {
                  Duration took = Duration.ofNanos(System.nanoTime() - started);
                  metrics.extracted(written, took);
                  LOG.debug("Extracted session {} of workspace {}: {} observations, {} memories written, {} ms",
                      sessionId, ws, extractor.observations(), written, took.toMillis());
                  return null;
                });
          });
    });
  }

  /** Writes the changed memories in order; answers how many were inserted or rewritten. */
  private Future<Integer> write(SqlConnection conn, String ws, String sessionId, List<ExtractedMemory> changed,
                                List<String> vectors, Map<String, ExtractionRepository.Earlier> earlier) {
    String model = embedder.modelName();
    Future<Integer> done = Future.succeededFuture(0);
    for (int i = 0; i < changed.size(); i++) {
      ExtractedMemory m = changed.get(i);
      String vector = vectors.get(i);
      done = done.compose(n -> {
        ExtractionRepository.Earlier before = earlier.get(m.key());
        if (before != null) {
          return ExtractionRepository.update(conn, ws, sessionId, before.memoryId(), m, vector, model)
              .compose(rewrote -> ExtractionRepository.record(conn, ws, sessionId, m, before.memoryId(), !rewrote)
                  .map(n + (rewrote ? 1 : 0)));
        }
        return ExtractionRepository.mostSimilar(conn, ws, m.memoryType(), vector, sessionId)
            .compose(similar -> similar != null && similar.similarity() >= REPEATS
                ? ExtractionRepository.strengthen(conn, ws, similar.memoryId())
                    .compose(x -> ExtractionRepository.record(conn, ws, sessionId, m, similar.memoryId(), true))
                    .map(n)
                : ExtractionRepository.insert(conn, ws, sessionId, m, vector, model)
                    .compose(id -> ExtractionRepository.record(conn, ws, sessionId, m, id, false))
                    .map(n + 1));
      });
    }
    return done;
  }
}
