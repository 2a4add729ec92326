package dev.mnemograph.graph;

import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a workspace's graph run is due. */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceGraphTest {
  private static final Duration LEASE = Duration.ofMinutes(10);
  private static final Duration DELAY = Duration.ofSeconds(10);
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(60);
  private static final Duration INTERVAL = Duration.ofHours(6);

  private TestDatabase db;
  private Pool pool;
  private WorkspaceGraph graphs;

  @BeforeAll
  void database(TestDatabase db) {
    this.db = db;
    pool = db.pool();
    graphs = new WorkspaceGraph(pool);
  }

  /**
   * A workspace that keeps changing (an import, a discovery backlog) is analysed once per longest wait, not
   * back to back: the changes made during a run are pending since that run's start, not since the first
   * change the run saw.
   */
  @Test
  void a_workspace_that_keeps_changing_is_analysed_once_per_longest_wait() {
    String ws = new WorkspaceRepository(pool).createWorkspace("busy", "k").await().workspace().workspaceId();
    WorkspaceGraph.markChanged(pool, List.of(ws)).await();
    backdate(ws, "pending_since", 120);   // changing for two minutes, never quiet
    WorkspaceGraph.Run run = due().orElseThrow();
    assertEquals(ws, run.workspaceId());

    WorkspaceGraph.markChanged(pool, List.of(ws)).await();   // a change while the run computes
    graphs.finish(run, "worker-1", new WorkspaceGraph.Outcome(5_000, 2_000, 16_000, 10)).await();

    assertTrue(due().isEmpty(), "the change during the run waits its own delay, not the old pending_since");
    assertTrue(graphs.lastRun(ws).await().getBoolean("changes_pending"));
    backdate(ws, "pending_since", 61);
    assertEquals(ws, due().orElseThrow().workspaceId(), "due once it has been pending for the longest wait");
  }

  private Optional<WorkspaceGraph.Run> due() {
    return graphs.claimDue("worker-1", LEASE, DELAY, LONGEST_WAIT, INTERVAL).await();
  }

  private void backdate(String ws, String column, int seconds) {
    pool.preparedQuery("UPDATE workspace_graph SET " + column + " = " + column + " - make_interval(secs => $2)"
        + " WHERE workspace_id = $1").execute(Tuple.of(ws, seconds)).await();
  }
}
