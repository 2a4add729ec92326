package dev.mnemograph.worker;

import dev.mnemograph.bus.Addresses;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.EmbeddingRepository;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.node.OpsServer;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.worker.embedding.Embedder;
import dev.mnemograph.worker.embedding.EmbeddingModelChoice;
import dev.mnemograph.worker.embedding.QueryEmbedder;
import dev.mnemograph.worker.extraction.ExtractSessionJobHandler;
import dev.mnemograph.worker.graph.GraphAnalysisWorker;
import dev.mnemograph.worker.graph.GraphStore;
import dev.mnemograph.worker.housekeeping.Housekeeping;
import dev.mnemograph.worker.jobs.DiscoverRelationshipsJobHandler;
import dev.mnemograph.worker.jobs.EmbedJobHandler;
import dev.mnemograph.worker.jobs.JobWorker;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
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
 * Background work: embeddings, relationship discovery and session extraction, claimed from the job table, and
 * the graph analysis (PageRank, communities, learned importance) of workspaces whose graph changed. The verticle only
 * composes: it loads the model, builds the parts and starts them, and stops them in order.
 *
 * <p>Threading: the verticle, its {@link JobWorker}, its {@link GraphAnalysisWorker}'s scheduling and its
 * {@link Housekeeping} run on one event loop (claims, writes and chores are non-blocking SQL). The model runs on
 * the worker pool {@code mnemograph-embedding} (one batch at a time) with {@code embedding.threads} threads of
 * its own, so that embedding never blocks an event loop and never takes every core from the API. PageRank
 * and communities run on {@code mnemograph-graph} (one thread). Search queries are embedded by the
 * {@link QueryEmbedder} on a pool of its own: this verticle owns the model.
 *
 * <p>Wake-ups: the API publishes {@link Addresses#JOBS_READY} after it commits work, locally or across a
 * clustered event bus; a slow poll is the safety net for hints that were lost.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

  /** How long a stopping worker waits for its batches in flight before it hands their jobs back. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final AppConfig config;
  private final Pool pool;
  private final Health health;
  private final Metrics metrics;
  private final WorkerMetrics workerMetrics;

  private Embedder embedder;
  private WorkerExecutor embeddingPool;
  private JobQueue queue;
  private JobWorker worker;
  private Housekeeping housekeeping;
  private WorkerExecutor graphPool;
  private WorkspaceGraph graphState;
  private GraphAnalysisWorker graphWorker;
  private QueryEmbedder queryEmbedder;
  private HttpServer opsServer;

  /**
   * @param health the node's health to serve on {@code ops.port}, or null when the API in this process
   *               serves it
   */
  public WorkerVerticle(AppConfig config, Pool pool, Metrics metrics, Health health) {
    this.metrics = metrics;
    this.workerMetrics = new WorkerMetrics(metrics.registry());
    this.config = config;
    this.pool = pool;
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
        .compose(requeued -> startJobs(embeddings))
        .compose(v -> startGraphAnalysis())
        .compose(v -> {
          queryEmbedder = new QueryEmbedder(vertx, embedder);
          return queryEmbedder.start();
        })
        .compose(v -> startOpsServer())
        .onSuccess(v -> LOG.info("Worker {} started: model {}, {} embedding thread(s), batches of {}",
            worker.workerId(), embedder.modelName(), config.embeddingThreads(), config.embeddingBatchSize()));
  }

  /** The job loop with its handlers, woken by hints and the poll, and the chores that keep its queue. */
  private Future<Void> startJobs(EmbeddingRepository embeddings) {
    VectorSearch vectors = new VectorSearch(config.exactScanMaxRows());
    queue = new JobQueue(pool, config.jobs());
    ExtractSessionJobHandler extraction = new ExtractSessionJobHandler(pool, embedder, embeddingPool, workerMetrics);
    worker = new JobWorker(queue, workerId(), List.of(
        new EmbedJobHandler(pool, embeddings, embedder, embeddingPool, config.embeddingBatchSize(), workerMetrics),
        new DiscoverRelationshipsJobHandler(pool, new RelationshipRepository(), vectors,
            DiscoverRelationshipsJobHandler.Settings.from(config), workerMetrics),
        extraction));
    vertx.setPeriodic(1, config.jobPollInterval().toMillis(), id -> worker.wake());
    // sessions never ended: looked for at half the idle time, at least every minute
    long idleCheck = Math.max(1_000, Math.min(60_000, config.extractionIdleTime().toMillis() / 2));
    vertx.setPeriodic(idleCheck, idleCheck, id -> extraction.queueIdleSessions(config.extractionIdleTime())
        .onSuccess(queued -> {
          if (queued > 0) {
            LOG.info("Queued the extraction of {} idle session(s)", queued);
            worker.wake();
          }
        })
        .onFailure(e -> LOG.warn("Looking for idle sessions failed: {}", e.toString())));
    housekeeping = new Housekeeping(vertx, pool, queue, worker.workerId(), config.jobRetention(), workerMetrics);
    housekeeping.start();
    return vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_READY, msg -> worker.wake()).completion();
  }

  private Future<Void> startGraphAnalysis() {
    // PageRank and Leiden on one thread of their own: seconds for a large workspace, never on an event loop
    graphPool = vertx.createSharedWorkerExecutor("mnemograph-graph", 1, GraphAnalysisWorker.LEASE.toMinutes(),
        TimeUnit.MINUTES);
    graphState = new WorkspaceGraph(pool);
    GraphAnalysisWorker.Schedule schedule = GraphAnalysisWorker.Schedule.from(config);
    graphWorker = new GraphAnalysisWorker(graphState, new GraphStore(pool), graphPool, worker.workerId(), schedule,
        workerMetrics);
    long check = schedule.pollInterval().toMillis();
    vertx.setPeriodic(check, check, id -> graphWorker.poll());
    return Future.succeededFuture();
  }

  /** A worker node's health and metrics; none where the API in this process serves them. */
  private Future<Void> startOpsServer() {
    return health == null ? Future.succeededFuture()
        : OpsServer.start(vertx, config.httpHost(), config.opsPort(), health, metrics::handle)
            .onSuccess(s -> {
              opsServer = s;
              LOG.info("Worker node health on http://{}:{}{}", config.httpHost(), s.actualPort(), Health.READY);
            }).mapEmpty();
  }

  /**
   * Graceful: claims nothing more, lets the batches in flight finish (at most {@link #STOP_GRACE}), hands
   * back whatever it still holds (jobs pending again at once, a graph run due again), then stops the chores
   * and closes the pools and the model.
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
    // the leases are renewed until the claims are handed back; then the pools: a query or a batch still
    // running must not find the model closed under it
    return released
        .onComplete(v -> {
          if (housekeeping != null) {
            housekeeping.stop();
          }
        })
        .compose(v -> opsServer == null ? Future.succeededFuture() : opsServer.close())
        .compose(v -> queryEmbedder == null ? Future.succeededFuture() : queryEmbedder.stop())
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
