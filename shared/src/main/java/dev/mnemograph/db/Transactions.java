package dev.mnemograph.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Function;

/**
 * Runs a unit of work in a transaction, and runs it again when PostgreSQL aborted it only because it
 * collided with another one (a deadlock or a serialization failure). Such collisions are normal on a real
 * pool: a batch delete and a worker writing embeddings or relationships for the same memories lock rows in
 * different orders, and PostgreSQL breaks the cycle by aborting one of them. Nothing of the aborted attempt
 * was kept, so running the work again is safe as long as it only talks to the database.
 */
public final class Transactions {

  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

  /** deadlock_detected, serialization_failure. */
  private static final Set<String> COLLISIONS = Set.of("40P01", "40001");
  private static final int ATTEMPTS = 3;

  private Transactions() {
  }

  public static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
    return attempt(pool, work, 1);
  }

  private static <T> Future<T> attempt(Pool pool, Function<SqlConnection, Future<T>> work, int attempt) {
    return pool.withTransaction(work).recover(e -> {
      if (attempt < ATTEMPTS && e instanceof PgException pg && COLLISIONS.contains(pg.getSqlState())) {
        LOG.debug("Transaction attempt {} collided ({}: {}); running it again", attempt, pg.getSqlState(),
            pg.getErrorMessage());
        return attempt(pool, work, attempt + 1);
      }
      return Future.failedFuture(e);
    });
  }
}
