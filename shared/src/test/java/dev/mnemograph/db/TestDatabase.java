package dev.mnemograph.db;

import dev.mnemograph.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.UUID;

/** An embedded PostgreSQL of a test class's own, migrated, under target/test-data. */
public final class TestDatabase implements AutoCloseable {
  private final Vertx vertx;
  private final Database database;

  private TestDatabase(Vertx vertx, Database database) {
    this.vertx = vertx;
    this.database = database;
  }

  public static TestDatabase start(String label) {
    Vertx vertx = Vertx.vertx();
    Path dir = Path.of("target", "test-data", label + "-" + UUID.randomUUID());
    Database db = Database.open(vertx, AppConfig.fromJson(new JsonObject().put(AppConfig.DATA_DIR, dir.toString())))
        .await();
    return new TestDatabase(vertx, db);
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
    vertx.close().await();
  }
}
