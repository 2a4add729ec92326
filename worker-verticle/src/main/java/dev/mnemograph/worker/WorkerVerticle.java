package dev.mnemograph.worker;

import dev.mnemograph.bus.Addresses;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.PlannerStatistics;
import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.idempotency.IdempotentWrites;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.jobs.JobSettings;
import dev.mnemograph.memory.EmbeddingRepository;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.node.OpsServer;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingModelChoice;
import dev.mnemograph.worker.graph.GraphAnalysisWorker;
import dev.mnemograph.worker.graph.GraphStore;
import dev.mnemograph.worker.jobs.DiscoverRelationshipsJobHandler;
import dev.mnemograph.worker.jobs.EmbedJobHandler;
import dev.mnemograph.worker.jobs.JobWorker;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Background work: embeddings and relationship discovery, claimed from the job table, and the graph
 * analysis (PageRank, communities, learned importance) of workspaces whose graph changed.
 *
 * <p>Threading: the verticle and its {@link JobWorker} run on one event loop (claims and writes are
 * non-blocking SQL). The model runs on the worker pool {@code mnemograph-embedding} (one batch at a time)
 * with {@code embedding.threads} threads of its own, so that embedding never blocks an event loop and
 * never takes every core from the API. Search queries are embedded on {@code mnemograph-query-embedding}
 * (two threads) when the API asks on {@link Addresses#EMBED_QUERY}: this verticle owns the model.
 *
 * <p>Wake-ups: the API publishes {@link Addresses#JOBS_READY} after it commits work, locally or across a
 * clustered event bus; a slow poll is the safety net for hints that were lost.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

  private final AppConfig config;
  private final Pool pool;
  private final JobSettings jobSettings;
  private Embedder embedder;
  /** Threads that embed search queries: two queries at a time, each a few milliseconds. */
  private static final int QUERY_THREADS = 2;
  /**
   * Query embeddings waiting or running, past which a request is refused at once: the API gives up after a
   * second anyway, and a queue of requests nobody waits for would only delay the next ones.
   */
  private static final int QUERY_QUEUE_LIMIT = 64;

  private WorkerExecutor embeddingPool;
  private WorkerExecutor queryPool;
  /** Touched on this verticle's event loop only. */
  private int queriesInFlight;
  private JobWorker worker;
  private WorkerExecutor graphPool;
  private GraphAnalysisWorker graphWorker;

  /** How long a stopping worker waits for its batches in flight before it hands their jobs back. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final Health health;
  private final Metrics metrics;
  private final WorkerMetrics workerMetrics;
  private JobQueue queue;
  private WorkspaceGraph graphState;
  private HttpServer opsServer;

  /**
   * @param health the node's health to serve on {@code ops.port}, or null when the API in this process
   *               serves it
   */
  public WorkerVerticle(AppConfig config, Pool pool, JobSettings jobSettings, Metrics metrics, Health health) {
    this.metrics = metrics;
    this.workerMetrics = new WorkerMetrics(metrics.registry());
    this.config = config;
    this.pool = pool;
    this.jobSettings = jobSettings;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    EmbeddingModelChoice model = EmbeddingModelChoice.of(config.embeddingModel());
    embeddingPool = vertx.createSharedWorkerExecutor("mnemograph-embedding", 1, 10, TimeUnit.MINUTES);
    EmbeddingRepository embeddings = new EmbeddingRepository(pool);
    return embeddingPool.executeBlocking(() -> Embedder.load(model, config.embeddingThreads()))
        .compose(loaded -> {
          embedder = loaded;
          return embeddings.reconcileModel(loaded.modelName(), loaded.dimension());
        })
        .compose(requeued -> {
          VectorSearch vectors = new VectorSearch(config.exactScanMaxRows());
          queue = new JobQueue(pool, jobSettings);
          worker = new JobWorker(queue, workerId(), List.of(
              new EmbedJobHandler(pool, embeddings, embedder, embeddingPool, config.embeddingBatchSize(), workerMetrics),
              new DiscoverRelationshipsJobHandler(pool, new RelationshipRepository(), vectors,
                  config.similarityThreshold(), config.maxSimilarNeighbours(), config.exactScanMaxRows(),
                  config.embeddedDatabase(), workerMetrics)));
          vertx.setPeriodic(1, config.jobPollInterval().toMillis(), id -> worker.wake());
          long renewEvery = Math.max(1, queue.lease().toMillis() / 3);
          vertx.setPeriodic(renewEvery, renewEvery, id -> queue.renew(worker.workerId())
              .onFailure(e -> LOG.warn("Renewing the job leases failed: {}", e.toString())));
          vertx.setPeriodic(1, WorkerMetrics.QUEUE_INTERVAL.toMillis(), id -> workerMetrics.sampleQueue(pool)
              .onFailure(e -> LOG.debug("Queue sample failed: {}", e.toString())));
          vertx.setPeriodic(1, WorkerMetrics.WORKSPACE_INTERVAL.toMillis(), id -> workerMetrics.sampleWorkspaces(pool)
              .onFailure(e -> LOG.debug("Workspace sample failed: {}", e.toString())));
          long analyseEvery = PlannerStatistics.INTERVAL.toMillis();
          vertx.setPeriodic(analyseEvery, analyseEvery, id -> PlannerStatistics.refresh(pool)
              .onSuccess(analysed -> {
                if (!analysed.isEmpty()) {
                  LOG.debug("Analysed {}", analysed);
                }
              })
              .onFailure(e -> LOG.debug("Refreshing planner statistics failed: {}", e.toString())));
          vertx.setPeriodic(60_000, id -> queue.sweep(config.jobRetention())
              .onSuccess(parked -> {
                if (parked > 0) {
                  LOG.warn("Parked {} job(s) interrupted on every run (their workers died)", parked);
                }
              })
              .compose(parked -> IdempotentWrites.purge(pool))
              .onFailure(e -> LOG.warn("Job sweep failed: {}", e.toString())));
          return vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_READY, msg -> worker.wake()).completion();
        })
        .compose(v -> {
          // PageRank and Leiden on one thread of their own: seconds for a large workspace, never on an event loop
          graphPool = vertx.createSharedWorkerExecutor("mnemograph-graph", 1, GraphAnalysisWorker.LEASE.toMinutes(),
              TimeUnit.MINUTES);
          graphState = new WorkspaceGraph(pool);
          graphWorker = new GraphAnalysisWorker(graphState, new GraphStore(pool), graphPool,
              worker.workerId(), config.graphAnalysisDelay(), config.graphAnalysisMaxWait(),
              config.graphAnalysisInterval(), workerMetrics);
          long check = Math.max(100, Math.min(2_000, config.graphAnalysisDelay().toMillis() / 2));
          vertx.setPeriodic(check, check, id -> graphWorker.poll());
          queryPool = vertx.createSharedWorkerExecutor("mnemograph-query-embedding", QUERY_THREADS, 1, TimeUnit.MINUTES);
          return vertx.eventBus().<JsonObject>consumer(Addresses.EMBED_QUERY, this::embedQuery).completion();
        })
        .compose(v -> health == null ? Future.succeededFuture()
            : OpsServer.start(vertx, config.httpHost(), config.opsPort(), health, metrics::handle)
                .onSuccess(s -> {
                  opsServer = s;
                  LOG.info("Worker node health on http://{}:{}{}", config.httpHost(), s.actualPort(), Health.READY);
                }).mapEmpty())
        .onSuccess(v -> LOG.info("Worker {} started: model {}, {} embedding thread(s), batches of {}",
            worker.workerId(), embedder.modelName(), config.embeddingThreads(), config.embeddingBatchSize()));
  }

  /**
   * Answers a search's query embedding on its own small pool, so that a query never waits behind a batch
   * of background embeddings (a 32-text batch takes a few hundred milliseconds).
   */
  private void embedQuery(Message<JsonObject> msg) {
    String text = msg.body() == null ? null : msg.body().getString("text");
    if (text == null || text.isBlank()) {
      msg.fail(400, "text is required");
      return;
    }
    if (queriesInFlight >= QUERY_QUEUE_LIMIT) {
      msg.fail(503, "query embeddings are backed up");
      return;
    }
    queriesInFlight++;
    queryPool.executeBlocking(() -> embedder.embedQuery(text), false)
        .onComplete(r -> queriesInFlight--)
        .onSuccess(vector -> msg.reply(new JsonObject().put("vector", vector).put("model", embedder.modelName())))
        .onFailure(e -> {
          LOG.warn("Query embedding failed: {}", e.toString());
          msg.fail(500, "query embedding failed");
        });
  }

  /**
   * Graceful: claims nothing more, lets the batches in flight finish (at most {@link #STOP_GRACE}), hands
   * back whatever it still holds (jobs pending again at once, a graph run due again), then closes the pools
   * and the model.
   */
  @Override
  public Future<?> stop() {
    Future<Void> drained = worker == null ? Future.succeededFuture()
        : worker.stop().timeout(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture());
    if (graphWorker != null) {
      graphWorker.stop();
    }
    Future<Void> released = drained.compose(v -> queue == null ? Future.succeededFuture(0) : queue.release(worker.workerId()))
        .compose(n -> {
          if (n > 0) {
            LOG.info("Handed back {} claimed job(s) for other workers", n);
          }
          return graphState == null ? Future.<Void>succeededFuture() : graphState.release(worker.workerId());
        })
        .recover(e -> {
          LOG.warn("Could not hand back claimed work ({}); its leases run out instead", e.toString());
          return Future.succeededFuture();
        });
    // the pools next: a query or a batch still running must not find the model closed under it
    return released
        .compose(v -> opsServer == null ? Future.succeededFuture() : opsServer.close())
        .compose(v -> queryPool == null ? Future.succeededFuture() : queryPool.close())
        .compose(v -> graphPool == null ? Future.succeededFuture() : graphPool.close())
        .compose(v -> embeddingPool == null ? Future.succeededFuture() : embeddingPool.close())
        .onComplete(v -> {
          if (embedder != null) {
            embedder.close();
          }
        });
  }

  /** host:pid:random, so that a lease names the process that holds it. */
  private static String workerId() {
    return ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID().toString().substring(0, 8);
  }
}
