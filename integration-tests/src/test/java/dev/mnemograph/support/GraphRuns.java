package dev.mnemograph.support;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * Waits for the workers' graph analysis (PageRank, communities, learned importance) to have caught up with a
 * workspace, by asking GET /workspace; tests whose answers depend on PageRank or importance start from there.
 * The tests' service waits ten minutes after a change (so that other tests keep the importance they set):
 * this moves the workspace's pending change back by an hour instead of waiting.
 */
public final class GraphRuns {
  private GraphRuns() {
  }

  /** Until a graph run has finished after the last change and no change is pending; answers that run. */
  public static JsonObject awaitSettled(Api api) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String workspaceId = api.get("/workspace").bodyAsJsonObject().getString("workspace_id");
    while (true) {
      TestService.get().pool().preparedQuery("""
              UPDATE workspace_graph SET changed_at = changed_at - interval '1 hour',
                                         pending_since = pending_since - interval '1 hour'
              WHERE workspace_id = $1 AND pending_since IS NOT NULL""")
          .execute(Tuple.of(workspaceId)).await();
      JsonObject run = api.get("/workspace").bodyAsJsonObject().getJsonObject("last_graph_run");
      if (run != null && !run.getBoolean("changes_pending") && !run.getBoolean("running")) {
        return run;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no graph run settled: " + run);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
