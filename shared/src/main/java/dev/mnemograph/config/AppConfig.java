package dev.mnemograph.config;

import dev.mnemograph.jobs.JobSettings;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The service's configuration, read once at start and validated.
 *
 * <p>One place: defaults here, overridden by a JSON file of flat keys ({@code mnemograph.json} in the
 * working directory, or the file named by {@code MNEMOGRAPH_CONFIG}), overridden in turn by environment
 * variables named {@code MNEMOGRAPH_} + the key in upper case with dots and dashes as underscores
 * ({@code http.port} → {@code MNEMOGRAPH_HTTP_PORT}).
 *
 * @param databaseUrl {@code postgresql://user:password@host:port/db}; empty means the embedded database
 * @param jobs        the job queue's lease, retries and bounds ({@code jobs.lease-ms}, {@code jobs.max-attempts},
 *                    {@code jobs.retry-base-ms}, {@code jobs.retry-max-ms}, {@code jobs.max-interruptions})
 */
public record AppConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    int opsPort,
    Optional<String> databaseUrl,
    int databasePoolSize,
    Duration statementTimeout,
    Path dataDir,
    String nodeCommand,
    int retentionDays,
    String embeddingModel,
    int embeddingThreads,
    int embeddingBatchSize,
    double similarityThreshold,
    int maxSimilarNeighbours,
    int exactScanMaxRows,
    Duration queryEmbeddingTimeout,
    Duration jobPollInterval,
    Duration jobRetention,
    JobSettings jobs,
    Duration graphAnalysisDelay,
    Duration graphAnalysisMaxWait,
    Duration graphAnalysisInterval,
    List<String> clusterMembers,
    String clusterHost,
    int clusterPort,
    String clusterName,
    Duration keyCacheTtl,
    int rateLimitPerSecond,
    int rateLimitBurst,
    String sdlcVersion,
    Duration extractionIdleTime) {

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_INSTANCES = "http.instances";
  public static final String OPS_PORT = "ops.port";
  public static final String DATABASE_URL = "database.url";
  public static final String DATABASE_POOL_SIZE = "database.pool-size";
  public static final String DATABASE_STATEMENT_TIMEOUT_MS = "database.statement-timeout-ms";
  public static final String DATA_DIR = "data.dir";
  public static final String NODE_COMMAND = "embedded.node";
  public static final String RETENTION_DAYS = "memory.retention-days";
  public static final String EMBEDDING_MODEL = "embedding.model";
  public static final String EMBEDDING_THREADS = "embedding.threads";
  public static final String EMBEDDING_BATCH_SIZE = "embedding.batch-size";
  public static final String SIMILARITY_THRESHOLD = "relationships.similarity-threshold";
  public static final String MAX_SIMILAR_NEIGHBOURS = "relationships.max-similar";
  public static final String EXACT_SCAN_MAX_ROWS = "search.exact-scan-max-rows";
  public static final String QUERY_EMBEDDING_TIMEOUT_MS = "search.query-embedding-timeout-ms";
  public static final String JOB_POLL_INTERVAL_MS = "jobs.poll-interval-ms";
  public static final String JOB_RETENTION_DAYS = "jobs.retention-days";
  public static final String JOB_LEASE_MS = "jobs.lease-ms";
  public static final String JOB_MAX_ATTEMPTS = "jobs.max-attempts";
  public static final String JOB_RETRY_BASE_MS = "jobs.retry-base-ms";
  public static final String JOB_RETRY_MAX_MS = "jobs.retry-max-ms";
  public static final String JOB_MAX_INTERRUPTIONS = "jobs.max-interruptions";
  public static final String GRAPH_ANALYSIS_DELAY_MS = "graph.analysis-delay-ms";
  public static final String GRAPH_ANALYSIS_MAX_WAIT_MS = "graph.analysis-max-wait-ms";
  public static final String GRAPH_ANALYSIS_INTERVAL_MINUTES = "graph.analysis-interval-minutes";
  public static final String CLUSTER_MEMBERS = "cluster.members";
  public static final String CLUSTER_HOST = "cluster.host";
  public static final String CLUSTER_PORT = "cluster.port";
  public static final String CLUSTER_NAME = "cluster.name";
  public static final String KEY_CACHE_TTL_MS = "auth.key-cache-ttl-ms";
  /** The longest a revoked key may keep working on an API node (its key cache's time to live). */
  public static final Duration MAX_KEY_CACHE_TTL = Duration.ofSeconds(5);
  public static final String RATE_LIMIT_PER_SECOND = "auth.rate-limit-per-second";
  public static final String RATE_LIMIT_BURST = "auth.rate-limit-burst";
  public static final String SDLC_VERSION = "sdlc.version";
  public static final String EXTRACTION_IDLE_SECONDS = "extraction.idle-seconds";

  static final String CONFIG_FILE_ENV = "MNEMOGRAPH_CONFIG";
  static final String DEFAULT_CONFIG_FILE = "mnemograph.json";

  private static final JsonObject DEFAULTS = new JsonObject()
      .put(HTTP_HOST, "127.0.0.1")
      .put(HTTP_PORT, 8080)
      // API verticle instances, each on an event loop of its own, all on the one port. Half the cores: on 2
      // cores shared with PostgreSQL, 1 event loop served more than 2 (BENCHMARKS.md, "The request path and load")
      .put(HTTP_INSTANCES, Math.max(1, Runtime.getRuntime().availableProcessors() / 2))
      // a worker node's only HTTP port: health and metrics (an API node serves them on http.port)
      .put(OPS_PORT, 8081)
      .put(DATABASE_URL, "")
      .put(DATABASE_POOL_SIZE, 8)
      .put(DATABASE_STATEMENT_TIMEOUT_MS, 30_000)
      .put(DATA_DIR, "data")
      .put(NODE_COMMAND, "node")
      .put(RETENTION_DAYS, 90)
      .put(EMBEDDING_MODEL, "bge-small-en-v1.5-q")
      // leave a core to the API (and the embedded database) on small machines
      .put(EMBEDDING_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors() - 1))
      .put(EMBEDDING_BATCH_SIZE, 32)
      // below bge-small's similarity of paraphrases on one topic, above unrelated texts' (BENCHMARKS.md, "Ingest")
      .put(SIMILARITY_THRESHOLD, 0.65)
      .put(MAX_SIMILAR_NEIGHBOURS, 10)
      .put(EXACT_SCAN_MAX_ROWS, 5_000)
      // a query embeds in milliseconds (BENCHMARKS.md, "Search latency"); past this, search answers by keywords
      // rather than wait
      .put(QUERY_EMBEDDING_TIMEOUT_MS, 1_000)
      .put(JOB_POLL_INTERVAL_MS, 2_000)
      // done jobs are kept this long (to see what ran), then deleted by the workers' sweep; failed ones stay
      .put(JOB_RETENTION_DAYS, 7)
      // a claimed job is its worker's for a lease, renewed every third of it while the worker lives; a failed
      // run is retried after 2 s, 4 s, ... (at most 10 min) and parked as failed at the 5th failure; a run that
      // ended without a result (its worker died) is not a failure, and only the 20th such run parks the job
      .put(JOB_LEASE_MS, 30_000)
      .put(JOB_MAX_ATTEMPTS, 5)
      .put(JOB_RETRY_BASE_MS, 2_000)
      .put(JOB_RETRY_MAX_MS, 600_000)
      .put(JOB_MAX_INTERRUPTIONS, 20)
      // a workspace's graph is analysed once it has been quiet this long, or this long after a change at the
      // latest even if it keeps changing, and again after the interval in any case (recency fades importance)
      .put(GRAPH_ANALYSIS_DELAY_MS, 10_000)
      .put(GRAPH_ANALYSIS_MAX_WAIT_MS, 60_000)
      .put(GRAPH_ANALYSIS_INTERVAL_MINUTES, 360)
      // a clustered event bus (Hazelcast, TCP/IP members, no multicast) when members are given
      .put(CLUSTER_MEMBERS, "")
      .put(CLUSTER_HOST, "127.0.0.1")
      .put(CLUSTER_PORT, 5701)
      .put(CLUSTER_NAME, "mnemograph")
      // how long a node trusts an API key it has checked: a revoked key stops working within this long
      .put(KEY_CACHE_TTL_MS, 5_000)
      // requests per API key and node (a token bucket; 0: no limit): far above an agent's, a 429 for a runaway
      .put(RATE_LIMIT_PER_SECOND, 200)
      .put(RATE_LIMIT_BURST, 2_000)
      // what GET /sdlc/cc-sdlc-version answers: Neuroloom's SDLC plugin compares it with the version a workspace
      // was seeded with (the companion plugin's release, 0.1.0, unless an operator serves another)
      .put(SDLC_VERSION, "0.1.0")
      // a session that is never ended (Neuroloom's plugin ends one only when the next starts) is extracted once
      // no observation has come for this long
      .put(EXTRACTION_IDLE_SECONDS, 1_800);

  public AppConfig {
    requireRange(HTTP_PORT, httpPort, 0, 65_535);
    requireRange(HTTP_INSTANCES, httpInstances, 1, 256);
    requireRange(OPS_PORT, opsPort, 0, 65_535);
    requireRange(CLUSTER_PORT, clusterPort, 1, 65_535);
    requireRange(DATABASE_POOL_SIZE, databasePoolSize, 1, 1_000);
    requireRange(RETENTION_DAYS, retentionDays, 1, 36_500);
    requireRange(JOB_RETENTION_DAYS, (int) jobRetention.toDays(), 1, 3_650);
    requireRange(JOB_LEASE_MS, (int) jobs.lease().toMillis(), 1_000, 86_400_000);
    requireRange(JOB_MAX_ATTEMPTS, jobs.maxAttempts(), 1, 1_000);
    requireRange(JOB_RETRY_BASE_MS, (int) jobs.retryBase().toMillis(), 1, 86_400_000);
    requireRange(JOB_RETRY_MAX_MS, (int) jobs.retryMax().toMillis(), 1, 86_400_000);
    if (jobs.retryMax().compareTo(jobs.retryBase()) < 0) {
      throw new IllegalArgumentException(JOB_RETRY_MAX_MS + " must be at least " + JOB_RETRY_BASE_MS);
    }
    requireRange(JOB_MAX_INTERRUPTIONS, jobs.maxInterruptions(), 1, 1_000);
    requireRange(EMBEDDING_THREADS, embeddingThreads, 1, 256);
    requireRange(EMBEDDING_BATCH_SIZE, embeddingBatchSize, 1, 1_024);
    requireRange(MAX_SIMILAR_NEIGHBOURS, maxSimilarNeighbours, 0, 1_000);
    requireRange(EXACT_SCAN_MAX_ROWS, exactScanMaxRows, 0, 10_000_000);
    if (similarityThreshold < 0 || similarityThreshold > 1) {
      throw new IllegalArgumentException(SIMILARITY_THRESHOLD + " must be between 0 and 1, got " + similarityThreshold);
    }
    if (queryEmbeddingTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(QUERY_EMBEDDING_TIMEOUT_MS + " must be at least 1");
    }
    if (jobPollInterval.toMillis() < 10) {
      throw new IllegalArgumentException(JOB_POLL_INTERVAL_MS + " must be at least 10");
    }
    if (graphAnalysisDelay.isNegative() || graphAnalysisMaxWait.compareTo(graphAnalysisDelay) < 0) {
      throw new IllegalArgumentException(GRAPH_ANALYSIS_MAX_WAIT_MS + " must be at least " + GRAPH_ANALYSIS_DELAY_MS
          + " and both at least 0");
    }
    if (graphAnalysisInterval.toMinutes() < 1) {
      throw new IllegalArgumentException(GRAPH_ANALYSIS_INTERVAL_MINUTES + " must be at least 1");
    }
    requireRange(KEY_CACHE_TTL_MS, (int) keyCacheTtl.toMillis(), 0, (int) MAX_KEY_CACHE_TTL.toMillis());
    requireRange(RATE_LIMIT_PER_SECOND, rateLimitPerSecond, 0, 1_000_000);
    requireRange(RATE_LIMIT_BURST, rateLimitBurst, rateLimitPerSecond == 0 ? 0 : 1, 10_000_000);
    if (sdlcVersion.isBlank() || sdlcVersion.length() > 100) {
      throw new IllegalArgumentException(SDLC_VERSION + " must be 1 to 100 characters, got '" + sdlcVersion + "'");
    }
    requireRange(EXTRACTION_IDLE_SECONDS, (int) extractionIdleTime.toSeconds(), 1, 7 * 24 * 3_600);
    if (statementTimeout.isNegative() || statementTimeout.isZero()) {
      throw new IllegalArgumentException(DATABASE_STATEMENT_TIMEOUT_MS + " must be positive");
    }
  }

  public boolean embeddedDatabase() {
    return databaseUrl.isEmpty();
  }

  public boolean clustered() {
    return !clusterMembers.isEmpty();
  }

  /** Defaults, then the config file, then the environment. */
  public static AppConfig load(Map<String, String> env) {
    JsonObject merged = DEFAULTS.copy();
    Path file = Path.of(env.getOrDefault(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE));
    if (Files.exists(file)) {
      merged.mergeIn(readFile(file));
    } else if (env.containsKey(CONFIG_FILE_ENV)) {
      throw new IllegalArgumentException(CONFIG_FILE_ENV + " names " + file + ", which does not exist");
    }
    for (String key : DEFAULTS.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        merged.put(key, value);
      }
    }
    return fromJson(merged);
  }

  public static AppConfig fromJson(JsonObject json) {
    JsonObject c = DEFAULTS.copy().mergeIn(json);
    for (String key : c.fieldNames()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException("Unknown configuration key '" + key + "'; known keys: " + DEFAULTS.fieldNames());
      }
    }
    String url = string(c, DATABASE_URL);
    return new AppConfig(
        string(c, HTTP_HOST),
        integer(c, HTTP_PORT),
        integer(c, HTTP_INSTANCES),
        integer(c, OPS_PORT),
        url.isBlank() ? Optional.empty() : Optional.of(url),
        integer(c, DATABASE_POOL_SIZE),
        Duration.ofMillis(integer(c, DATABASE_STATEMENT_TIMEOUT_MS)),
        Path.of(string(c, DATA_DIR)).toAbsolutePath().normalize(),
        string(c, NODE_COMMAND),
        integer(c, RETENTION_DAYS),
        string(c, EMBEDDING_MODEL),
        integer(c, EMBEDDING_THREADS),
        integer(c, EMBEDDING_BATCH_SIZE),
        decimal(c, SIMILARITY_THRESHOLD),
        integer(c, MAX_SIMILAR_NEIGHBOURS),
        integer(c, EXACT_SCAN_MAX_ROWS),
        Duration.ofMillis(integer(c, QUERY_EMBEDDING_TIMEOUT_MS)),
        Duration.ofMillis(integer(c, JOB_POLL_INTERVAL_MS)),
        Duration.ofDays(integer(c, JOB_RETENTION_DAYS)),
        new JobSettings(Duration.ofMillis(integer(c, JOB_LEASE_MS)), integer(c, JOB_MAX_ATTEMPTS),
            Duration.ofMillis(integer(c, JOB_RETRY_BASE_MS)), Duration.ofMillis(integer(c, JOB_RETRY_MAX_MS)),
            integer(c, JOB_MAX_INTERRUPTIONS)),
        Duration.ofMillis(integer(c, GRAPH_ANALYSIS_DELAY_MS)),
        Duration.ofMillis(integer(c, GRAPH_ANALYSIS_MAX_WAIT_MS)),
        Duration.ofMinutes(integer(c, GRAPH_ANALYSIS_INTERVAL_MINUTES)),
        Arrays.stream(string(c, CLUSTER_MEMBERS).split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList(),
        string(c, CLUSTER_HOST),
        integer(c, CLUSTER_PORT),
        string(c, CLUSTER_NAME),
        Duration.ofMillis(integer(c, KEY_CACHE_TTL_MS)),
        integer(c, RATE_LIMIT_PER_SECOND),
        integer(c, RATE_LIMIT_BURST),
        string(c, SDLC_VERSION).trim(),
        Duration.ofSeconds(integer(c, EXTRACTION_IDLE_SECONDS)));
  }

  static String envName(String key) {
    return "MNEMOGRAPH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject c, String key) {
    Object v = c.getValue(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " must not be null");
    }
    return v.toString();
  }

  private static int integer(JsonObject c, String key) {
    Object v = c.getValue(key);
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
    }
  }

  private static double decimal(JsonObject c, String key) {
    Object v = c.getValue(key);
    try {
      return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }
  }

  private static void requireRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
