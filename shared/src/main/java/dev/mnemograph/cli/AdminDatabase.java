package dev.mnemograph.cli;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Database;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.function.Function;

/**
 * Runs one administrative action against the configured database. With the embedded database this
 * opens the data directory itself, so the service must be stopped first (the directory is locked).
 */
final class AdminDatabase {
  private AdminDatabase() {
  }

  static <T> T run(Function<WorkspaceRepository, T> action) {
    return withPool(pool -> action.apply(new WorkspaceRepository(pool)));
  }

  static <T> T withPool(Function<Pool, T> action) {
    AppConfig config = AppConfig.load(System.getenv());
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.open(vertx, config).await()) {
      return action.apply(db.pool());
    } finally {
      vertx.close().await();
    }
  }
}
