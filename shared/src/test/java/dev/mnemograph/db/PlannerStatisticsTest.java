package dev.mnemograph.db;

import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryListQuery;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A workspace stored in bulk is planned as what it is, not as a table of ten rows. */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlannerStatisticsTest {
  /** The list's first page in its default order, as MemoryRepository#list asks for it. */
  private static final MemoryListQuery PAGE =
      new MemoryListQuery(Optional.empty(), 10, 0, MemoryListQuery.DEFAULT_ORDERING, false);
  private static final String FIRST_PAGE = "EXPLAIN SELECT " + Memory.COLUMNS + " FROM memory WHERE workspace_id = $1"
      + " ORDER BY " + PAGE.orderBy() + " LIMIT " + PAGE.limit() + " OFFSET " + PAGE.offset();

  private TestDatabase db;
  private Pool pool;

  @BeforeAll
  void database(TestDatabase db) {
    this.db = db;
    pool = db.pool();
  }

  @Test
  void a_table_grown_by_a_tenth_is_analysed_and_then_left_alone() {
    PlannerStatistics.refresh(pool).await();   // whatever the migrations left
    String ws = new WorkspaceRepository(pool).createWorkspace("statistics", "k").await().workspace().workspaceId();
    pool.preparedQuery("""
            INSERT INTO memory (memory_id, workspace_id, title, narrative)
            SELECT 'mem-' || lpad(g::text, 16, '0'), $1, 'title ' || g, 'narrative ' || g
            FROM generate_series(1, 2000) g""")
        .execute(Tuple.of(ws)).await();

    List<String> analysed = PlannerStatistics.refresh(pool).await();

    assertTrue(analysed.contains("memory"), analysed.toString());
    assertEquals(2000.0, pool.query("SELECT reltuples FROM pg_class WHERE relname = 'memory'").execute().await()
        .iterator().next().getDouble(0), 1.0);
    String plan = String.join("\n", pool.preparedQuery(FIRST_PAGE).execute(Tuple.of(ws)).await().value().stream()
        .map(r -> r.getString(0)).toList());
    assertFalse(plan.contains("Bitmap"), "the first page read in order, not the workspace sorted:\n" + plan);
    assertFalse(PlannerStatistics.refresh(pool).await().contains("memory"), "nothing changed since");
  }
}
