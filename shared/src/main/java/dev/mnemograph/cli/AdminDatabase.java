package dev.mnemograph.cli;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Database;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs one administrative action against the configured database. With the embedded database this
 * opens the data directory itself, so the service must be stopped first (the directory is locked).
 */
final class AdminDatabase {
  private AdminDatabase() {
  }

  static <T> T run(Function<WorkspaceRepository, T> action) {
    return withPool((pool, config) -> action.apply(new WorkspaceRepository(pool)));
  }

  /** On the job queue, with the configured job settings. */
  static <T> T jobs(Function<JobQueue, T> action) {
    return withPool((pool, config) -> action.apply(new JobQueue(pool, config.jobs())));
  }

  private static <T> T withPool(BiFunction<Pool, AppConfig, T> action) {
    AppConfig config = AppConfig.load(System.getenv());
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.open(vertx, config).await()) {
      return action.apply(db.pool(), config);
    } finally {
      vertx.close().await();
    }
  }
}
