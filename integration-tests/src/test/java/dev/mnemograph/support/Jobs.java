package dev.mnemograph.support;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;

/** Waits for the background pipeline, by asking the job table (no sleeps that merely hope). */
public final class Jobs {
  private Jobs() {
  }

  /** Until no job for these memories is pending or running, and each has been embedded and linked. */
  public static void awaitSettled(List<String> memoryIds, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long open = TestService.get().pool().preparedQuery("""
              SELECT count(*) FROM job WHERE memory_id = ANY($1) AND status IN ('pending', 'running')""")
          .execute(Tuple.tuple().addArrayOfString(memoryIds.toArray(String[]::new))).await()
          .iterator().next().getLong(0);
      long linked = TestService.get().pool().preparedQuery("""
              SELECT count(DISTINCT memory_id) FROM job
              WHERE memory_id = ANY($1) AND kind = 'discover_relationships' AND status = 'done'""")
          .execute(Tuple.tuple().addArrayOfString(memoryIds.toArray(String[]::new))).await()
          .iterator().next().getLong(0);
      if (open == 0 && linked == memoryIds.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("jobs for " + memoryIds + " not settled within " + timeout
            + " (" + open + " open, " + linked + " linked)");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public static void awaitSettled(String... memoryIds) {
    awaitSettled(List.of(memoryIds), Duration.ofSeconds(60));
  }

  /**
   * Until the workspace, as its GET /workspace tells, has {@code memories} embedded and no job open (for nodes of
   * another process, whose pool the test does not have); fails if that takes 60 s from {@code sinceNanos}.
   * Answers the workspace's last summary.
   */
  public static JsonObject awaitWorkspaceSettled(Api api, long memories, long sinceNanos) throws InterruptedException {
    JsonObject ws;
    do {
      Thread.sleep(250);
      ws = api.get("/workspace").bodyAsJsonObject();
      long waited = (System.nanoTime() - sinceNanos) / 1_000_000;
      if (waited >= 60_000) {
        throw new AssertionError("still open after " + waited + " ms: " + ws.encode());
      }
    } while (ws.getLong("embedded_memory_count") < memories || ws.getJsonObject("jobs").getLong("open") > 0);
    return ws;
  }
}
