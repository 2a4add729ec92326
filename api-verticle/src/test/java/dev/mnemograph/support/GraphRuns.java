package dev.mnemograph.support;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Waits for the workers' graph analysis (PageRank, communities, learned importance) to have caught up with a
 * workspace, by asking GET /workspace; tests whose answers depend on PageRank or importance start from there.
 */
public final class GraphRuns {
  private GraphRuns() {
  }

  /** Until a graph run has finished after the last change and no change is pending; answers that run. */
  public static JsonObject awaitSettled(Api api) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
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
