package dev.mnemograph.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the planner's statistics of the tables that grow fastest current: a table is analysed as soon as it
 * has grown by a tenth (and 8 pages) since it was last analysed, checked every {@link #INTERVAL}, rather than
 * at autovacuum's next visit, up to a minute later (autovacuum_naptime), or the embedded PGlite's periodic
 * VACUUM (it has no autovacuum). A table not yet analysed is planned as a few rows a workspace: in a new
 * database's first minute the memory list sorted the whole workspace for every page and served far fewer
 * lists (BENCHMARKS.md, "The request path and load", note ¹). Growth is read from the table's size on disk: on
 * PGlite, pg_stat_user_tables showed no change after 2,000 inserts (autovacuum's measure). Run by worker
 * nodes, the ones that write in bulk.
 */
public final class PlannerStatistics {
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final List<String> TABLES = List.of("memory", "memory_relationship", "memory_embedding", "job");

  /** relpages: the table's pages when it was last analysed (or vacuumed); 0 before that. */
  private static final String STALE = """
      SELECT relname FROM pg_class
      WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1) AND relkind = 'r'
        AND pg_relation_size(oid) / current_setting('block_size')::int > 8 + 1.1 * relpages
      ORDER BY relname""";

  private PlannerStatistics() {
  }

  /** Analyses the tables whose statistics are stale (skipping one another session is analysing); answers which. */
  public static Future<List<String>> refresh(Pool pool) {
    return pool.preparedQuery(STALE).execute(Tuple.of(TABLES.toArray(String[]::new)))
        .compose(rows -> {
          List<String> stale = new ArrayList<>();
          for (Row r : rows) {
            stale.add(r.getString(0));
          }
          if (stale.isEmpty()) {
            return Future.succeededFuture(stale);
          }
          // the names come from TABLES, never from a request
          return pool.query("ANALYZE (SKIP_LOCKED) " + String.join(", ", stale)).execute().map(stale);
        });
  }
}
