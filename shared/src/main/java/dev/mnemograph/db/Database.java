package dev.mnemograph.db;

import dev.mnemograph.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one connection pool of the JVM, shared by every verticle, and the embedded database behind it
 * when no database URL is configured.
 *
 * <p>PGlite is a single database session, so the embedded mode uses exactly one connection (pool size 1);
 * a real PostgreSQL gets a normal pool of {@code database.pool-size} connections.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  public static final String POOL_NAME = "main";

  /**
   * Begins a statement that PostgreSQL should plan for the values of each execution. A statement the pool
   * caches is planned once for all values after five executions (a generic plan); for an array of memory ids
   * that plan assumes ten of them, and a statement whose best plan depends on how many there are (thousands:
   * hash them, a few: look each one up) can go badly wrong. Such a statement is prepared afresh each time, at
   * the cost of one more round trip.
   */
  public static final String PLANNED_EACH_TIME = "/* planned each time */ ";

  private static final Duration VACUUM_INTERVAL = Duration.ofMinutes(1);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int PREPARED_STATEMENT_SQL_LIMIT = 65_536;
  private static final String VACUUM = "VACUUM (ANALYZE) job, memory, memory_relationship";

  private final Pool pool;
  private final Optional<EmbeddedPostgres> embedded;
  private Vertx vertx;
  private long vacuumTimer = -1;

  private Database(Pool pool, Optional<EmbeddedPostgres> embedded) {
    this.pool = pool;
    this.embedded = embedded;
  }

  public Pool pool() {
    return pool;
  }

  /** With the embedded database: completes with its exit code if it dies while the service runs. */
  public Optional<CompletableFuture<Integer>> embeddedDatabaseDied() {
    return embedded.map(EmbeddedPostgres::unexpectedExit);
  }

  /** Connects (starting the embedded database first if configured so; this blocks) and applies migrations. */
  public static Future<Database> open(Vertx vertx, AppConfig config) {
    Optional<EmbeddedPostgres> embedded;
    PgConnectOptions connect;
    int poolSize;
    if (config.embeddedDatabase()) {
      EmbeddedPostgres pg = EmbeddedPostgres.start(config.dataDir(), config.nodeCommand());
      embedded = Optional.of(pg);
      connect = new PgConnectOptions().setHost("127.0.0.1").setPort(pg.port())
          .setUser(EmbeddedPostgres.USER).setPassword(EmbeddedPostgres.PASSWORD).setDatabase(EmbeddedPostgres.DATABASE);
      poolSize = 1;
    } else {
      embedded = Optional.empty();
      connect = PgConnectOptions.fromUri(config.databaseUrl().orElseThrow());
      poolSize = config.databasePoolSize();
      LOG.info("Using PostgreSQL at {}:{}/{} with a pool of {}", connect.getHost(), connect.getPort(),
          connect.getDatabase(), poolSize);
    }
    // Every statement is parsed once per connection, the long ones too (search, the detail view: the client's
    // default caches only statements of up to 2,048 characters), except those planned for each execution.
    connect.setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlFilter(sql -> sql.length() < PREPARED_STATEMENT_SQL_LIMIT
            && !sql.startsWith(PLANNED_EACH_TIME));
    // Session settings go through SET rather than startup parameters, which PGlite ignores.
    String sessionSetup = "SET statement_timeout = " + config.statementTimeout().toMillis()
        + "; SET client_min_messages = warning";
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setName(POOL_NAME).setShared(false))
        // a database that does not answer a connection attempt is an outage (503 soon), not a minute's hang
        .with(new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis()))
        .withConnectHandler(conn -> conn.query(sessionSetup).execute()
            .onComplete(r -> {
              if (r.failed()) {
                LOG.error("Session setup failed", r.cause());
              }
              conn.close();
            }))
        .connectingTo(connect)
        .using(vertx)
        .build();
    Database db = new Database(pool, embedded);
    return Migrations.apply(pool)
        .map(db)
        .onSuccess(v -> embedded.ifPresent(e -> db.vacuumPeriodically(vertx)))
        .recover(e -> pool.close()
            .compose(v -> vertx.executeBlocking(() -> {
              embedded.ifPresent(EmbeddedPostgres::close);
              return null;
            }))
            .transform(v -> Future.failedFuture(e)));
  }

  /**
   * PGlite runs PostgreSQL in single-user mode, which has no autovacuum: without this, the job queue's
   * dead rows pile up in its indexes and the planner works from statistics of an empty table.
   */
  private void vacuumPeriodically(Vertx vertx) {
    this.vertx = vertx;
    vacuumTimer = vertx.setPeriodic(VACUUM_INTERVAL.toMillis(), id -> pool.query(VACUUM).execute()
        .onFailure(e -> LOG.warn("Periodic VACUUM failed: {}", e.toString())));
  }

  /** Blocks: call it from main or a shutdown hook, not from an event loop. */
  @Override
  public void close() {
    if (vacuumTimer >= 0) {
      vertx.cancelTimer(vacuumTimer);
    }
    pool.close().await();
    embedded.ifPresent(EmbeddedPostgres::close);
  }
}
