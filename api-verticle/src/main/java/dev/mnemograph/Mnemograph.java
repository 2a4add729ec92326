package dev.mnemograph;

import dev.mnemograph.api.ApiVerticle;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Database;
import dev.mnemograph.jobs.JobSettings;
import dev.mnemograph.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * A running service: one Vert.x, one database pool shared by every verticle, the API verticle and the
 * worker verticle in this process (the embedded default). Only composes; the logic is in the verticles.
 */
public final class Mnemograph implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Mnemograph.class);

  private final Vertx vertx;
  private final Database database;
  private final int httpPort;

  private Mnemograph(Vertx vertx, Database database, int httpPort) {
    this.vertx = vertx;
    this.database = database;
    this.httpPort = httpPort;
  }

  /** Starts everything; blocks the calling thread (never call it on an event loop). */
  public static Mnemograph start(AppConfig config) {
    return start(config, JobSettings.DEFAULT, pool -> { });
  }

  /** With other job leases and retry timings (tests shorten them). */
  public static Mnemograph start(AppConfig config, JobSettings jobSettings) {
    return start(config, jobSettings, pool -> { });
  }

  /**
   * @param beforeServing runs on the calling thread once the database is migrated, before the workers start
   *                      and the API listens (the first start's default workspace is made there)
   */
  public static Mnemograph start(AppConfig config, JobSettings jobSettings, Consumer<Pool> beforeServing) {
    Vertx vertx = Vertx.vertx();
    Database database = null;
    try {
      database = Database.open(vertx, config).await();
      Pool pool = database.pool();
      beforeServing.accept(pool);
      // The workers first (they load the embedding model), so the service answers only when all of it runs.
      vertx.deployVerticle(new WorkerVerticle(config, pool, jobSettings)).await();
      ApiVerticle api = new ApiVerticle(config, pool);
      vertx.deployVerticle(api).await();
      return new Mnemograph(vertx, database, api.port());
    } catch (RuntimeException e) {
      if (database != null) {
        database.close();
      }
      vertx.close().await();
      throw e;
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public Pool pool() {
    return database.pool();
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the verticles (no new requests), then the pool and the embedded database. */
  @Override
  public void close() {
    LOG.info("Stopping Mnemograph");
    try {
      for (String id : vertx.deploymentIDs()) {
        vertx.undeploy(id).await();
      }
    } finally {
      database.close();
      vertx.close().await();
    }
  }
}
