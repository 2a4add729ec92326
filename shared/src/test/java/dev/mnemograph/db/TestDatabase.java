package dev.mnemograph.db;

import dev.mnemograph.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A database of a test class's own, migrated: an embedded PostgreSQL under target/test-data, or, with
 * {@value #DATABASE_URL_ENV} set (CI's second pass), a fresh database on that server made from its
 * {@value #TEMPLATE} (which has pgvector: only a superuser may create the extension) and dropped at close.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String DATABASE_URL_ENV = "MNEMOGRAPH_TEST_DATABASE_URL";
  static final String TEMPLATE = "mnemograph_template";

  private final Vertx vertx;
  private final Database database;
  private final String dropAfter;
  private final PgConnectOptions admin;

  private TestDatabase(Vertx vertx, Database database, String dropAfter, PgConnectOptions admin) {
    this.vertx = vertx;
    this.database = database;
    this.dropAfter = dropAfter;
    this.admin = admin;
  }

  public static TestDatabase start(String label) {
    Vertx vertx = Vertx.vertx();
    String url = System.getenv(DATABASE_URL_ENV);
    if (url == null || url.isBlank()) {
      Path dir = Path.of("target", "test-data", label + "-" + UUID.randomUUID());
      Database db = Database.open(vertx, AppConfig.fromJson(new JsonObject().put(AppConfig.DATA_DIR, dir.toString())))
          .await();
      return new TestDatabase(vertx, db, null, null);
    }
    PgConnectOptions admin = PgConnectOptions.fromUri(url);
    String name = ("test_" + label + "_" + UUID.randomUUID().toString().substring(0, 8)).replaceAll("[^a-z0-9_]", "_");
    Pool pool = PgBuilder.pool().connectingTo(admin).using(vertx).build();
    pool.query("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE).execute().await();
    pool.close().await();
    PgConnectOptions own = new PgConnectOptions(admin).setDatabase(name);
    String ownUrl = "postgresql://" + own.getUser() + ":" + own.getPassword() + "@" + own.getHost() + ":"
        + own.getPort() + "/" + name;
    Database db = Database.open(vertx, AppConfig.fromJson(new JsonObject().put(AppConfig.DATABASE_URL, ownUrl)))
        .await();
    return new TestDatabase(vertx, db, name, admin);
  }

  public Pool pool() {
    return database.pool();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    database.close();
    if (dropAfter != null) {
      Pool pool = PgBuilder.pool().connectingTo(admin).using(vertx).build();
      // FORCE ends this class's own lingering sessions, but may not end an autovacuum worker that happens to be
      // in the database ("permission denied to terminate process", 42501); a plain DROP signals that one to
      // stop and waits for it
      try {
        pool.query("DROP DATABASE IF EXISTS " + dropAfter + " WITH (FORCE)").execute().await();
      } catch (RuntimeException e) {
        pool.query("DROP DATABASE IF EXISTS " + dropAfter).execute().await();
      }
      pool.close().await();
    }
    vertx.close().await();
  }
}
