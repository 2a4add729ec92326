package dev.mnemograph.worker.metrics;

import dev.mnemograph.jobs.JobKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The workers' own meters (README, "Metrics"): embeddings made, the pipeline's latency from a memory's
 * store or edit to its embedding and to its edges, graph runs by phase, and, sampled from PostgreSQL, the job
 * queue per kind (every {@link #QUEUE_INTERVAL}) and the sizes of the largest workspaces (every
 * {@link #WORKSPACE_INTERVAL}; at most {@value #WORKSPACES} by name, the rest summed as "other", so that the
 * label stays bounded).
 */
public final class WorkerMetrics {
  public static final Duration QUEUE_INTERVAL = Duration.ofSeconds(10);
  public static final Duration WORKSPACE_INTERVAL = Duration.ofSeconds(60);
  static final int WORKSPACES = 20;

  private static final String QUEUE = """
      SELECT k.kind,
             count(j.job_id) FILTER (WHERE j.status = 'pending') AS pending,
             count(j.job_id) FILTER (WHERE j.status = 'running') AS running,
             count(j.job_id) FILTER (WHERE j.status = 'failed') AS failed,
             coalesce(extract(epoch FROM now() - min(j.created_at) FILTER (WHERE j.status IN ('pending', 'running'))), 0)::float8
      FROM unnest(ARRAY[%s]) AS k(kind)
      LEFT JOIN job j ON j.kind = k.kind
      GROUP BY k.kind""".formatted(Arrays.stream(JobKind.values()).map(k -> "'" + k.dbName() + "'")
      .collect(Collectors.joining(", ")));

  private static final String WORKSPACE_SIZES = """
      WITH sizes AS (
        SELECT w.name, (SELECT count(*) FROM memory m WHERE m.workspace_id = w.workspace_id) AS memories,
               (SELECT count(*) FROM memory_relationship r WHERE r.workspace_id = w.workspace_id) AS relationships
        FROM workspace w),
      ranked AS (SELECT *, row_number() OVER (ORDER BY memories DESC, name) AS rank FROM sizes)
      SELECT CASE WHEN rank <= $1 THEN name ELSE 'other' END, sum(memories)::float8, sum(relationships)::float8
      FROM ranked GROUP BY 1""";

  private final MeterRegistry registry;
  private final Counter embeddings;
  private final Timer embeddingBatch;
  private final Timer toEmbedded;
  private final Timer toLinked;
  private final Counter extractedMemories;
  private final Timer extraction;
  private final Map<String, double[]> queue = new ConcurrentHashMap<>();
  private final MultiGauge workspaceMemories;
  private final MultiGauge workspaceRelationships;

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    embeddings = Counter.builder("mnemograph.embeddings").description("memories embedded").register(registry);
    embeddingBatch = Timer.builder("mnemograph.embedding.batch").description("one batch through the model")
        .register(registry);
    toEmbedded = Timer.builder("mnemograph.pipeline").tag("stage", "embedded")
        .description("from a memory's store or edit to its embedding stored").register(registry);
    toLinked = Timer.builder("mnemograph.pipeline").tag("stage", "linked")
        .description("from a memory's store or edit to its relationships discovered").register(registry);
    extractedMemories = Counter.builder("mnemograph.extraction.memories")
        .description("memories written (inserted or rewritten) by session extraction").register(registry);
    extraction = Timer.builder("mnemograph.extraction.run").description("one session's extraction")
        .register(registry);
    for (String kind : Arrays.stream(JobKind.values()).map(JobKind::dbName).toList()) {
      queue.put(kind, new double[4]);
      String[] status = {"pending", "running", "failed"};
      for (int i = 0; i < status.length; i++) {
        int index = i;
        Gauge.builder("mnemograph.jobs", queue, q -> q.get(kind)[index]).tags("kind", kind, "status", status[i])
            .description("jobs in the queue").register(registry);
      }
      Gauge.builder("mnemograph.jobs.oldest.age", queue, q -> q.get(kind)[3]).tag("kind", kind).baseUnit("seconds")
          .description("age of the oldest pending or running job").register(registry);
    }
    workspaceMemories = MultiGauge.builder("mnemograph.workspace.memories").register(registry);
    workspaceRelationships = MultiGauge.builder("mnemograph.workspace.relationships").register(registry);
  }

  public void embedded(int count, Duration batch, List<Duration> sinceWrite) {
    embeddings.increment(count);
    embeddingBatch.record(batch);
    sinceWrite.forEach(toEmbedded::record);
  }

  public void extracted(int memoriesWritten, Duration took) {
    extractedMemories.increment(memoriesWritten);
    extraction.record(took);
  }

  public void linked(List<Duration> sinceWrite) {
    sinceWrite.forEach(toLinked::record);
  }

  /** A graph run's phases and whole, in milliseconds. */
  public void graphRun(long load, long pagerank, long communities, long write, long total) {
    for (Object[] phase : new Object[][] {{"load", load}, {"pagerank", pagerank}, {"communities", communities},
        {"write", write}, {"total", total}}) {
      Timer.builder("mnemograph.graph.analysis").tag("phase", (String) phase[0]).register(registry)
          .record(Duration.ofMillis((long) phase[1]));
    }
  }

  /** Reads the job queue from the database into the gauges. */
  public Future<Void> sampleQueue(Pool pool) {
    return pool.query(QUEUE).execute().map(rows -> {
      rows.forEach(r -> queue.put(r.getString(0), new double[] {r.getLong(1), r.getLong(2), r.getLong(3),
          r.getDouble(4)}));
      return null;
    });
  }

  /** Reads the largest workspaces' sizes into the gauges (counting costs more: sampled less often). */
  public Future<Void> sampleWorkspaces(Pool pool) {
    return pool.preparedQuery(WORKSPACE_SIZES).execute(io.vertx.sqlclient.Tuple.of(WORKSPACES)).map(rows -> {
      List<MultiGauge.Row<?>> memories = new ArrayList<>();
      List<MultiGauge.Row<?>> relationships = new ArrayList<>();
      rows.forEach(r -> {
        memories.add(MultiGauge.Row.of(Tags.of("workspace", r.getString(0)), r.getDouble(1)));
        relationships.add(MultiGauge.Row.of(Tags.of("workspace", r.getString(0)), r.getDouble(2)));
      });
      workspaceMemories.register(memories, true);
      workspaceRelationships.register(relationships, true);
      return null;
    });
  }
}
