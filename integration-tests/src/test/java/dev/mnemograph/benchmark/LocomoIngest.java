package dev.mnemograph.benchmark;

import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The LoCoMo turns stored as memories over HTTP, a workspace per conversation (8 stores in flight), and the
 * waits on the background pipeline that the benchmarks over that corpus need (RetrievalBenchmark,
 * GraphSignalBenchmark).
 */
final class LocomoIngest {
  private static final int IN_FLIGHT = 8;

  /**
   * What was stored.
   *
   * @param workspaces conversation -> its workspace and key
   * @param diaIds     memory_id -> the turn's dia_id
   */
  record Corpus(Map<String, NewApiKey> workspaces, Map<String, String> diaIds) {
    String key(String conversation) {
      return workspaces.get(conversation).key();
    }

    String workspaceId(String conversation) {
      return workspaces.get(conversation).workspace().workspaceId();
    }
  }

  private LocomoIngest() {
  }

  static Corpus store(Mnemograph service, WebClient http, List<LocomoTurns.Turn> turns) throws InterruptedException {
    Map<String, NewApiKey> workspaces = new TreeMap<>();
    Map<String, String> diaIds = new HashMap<>();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    for (LocomoTurns.Turn turn : turns) {
      String key = workspaces.computeIfAbsent(turn.conversation(), c -> new WorkspaceRepository(service.pool())
          .createWorkspace("locomo-" + c + "-" + UUID.randomUUID(), "bench").await()).key();
      inFlight.acquire();
      http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key)
          .sendJsonObject(turn.asMemory())
          .onComplete(r -> {
            if (r.succeeded() && r.result().statusCode() == 201) {
              synchronized (diaIds) {
                diaIds.put(r.result().bodyAsJsonObject().getString("memory_id"), turn.diaId());
              }
            }
            inFlight.release();
          });
    }
    inFlight.acquire(IN_FLIGHT);
    assertEquals(turns.size(), diaIds.size(), "every turn stored");
    return new Corpus(workspaces, diaIds);
  }

  static JsonObject workspace(WebClient http, String key) {
    return http.get("/api/v1/workspace").putHeader("Authorization", "Token " + key).send().await()
        .bodyAsJsonObject();
  }

  /** Until every memory of the workspace has its embedding. */
  static void awaitEmbedded(WebClient http, String key, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject ws = workspace(http, key);
      if (ws.getLong("embedded_memory_count").equals(ws.getLong("memory_count"))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("memories not embedded within " + timeout);
  }

  /**
   * Until the workspace has no open job and a graph analysis has seen every change (GET /workspace:
   * {@code last_graph_run} present, without error, {@code changes_pending} and {@code running} false).
   * Answers the last run.
   */
  static JsonObject awaitGraphAnalysed(WebClient http, String key, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject ws = null;
    while (System.nanoTime() < deadline) {
      ws = workspace(http, key);
      JsonObject run = ws.getJsonObject("last_graph_run");
      if (ws.getJsonObject("jobs").getLong("open") == 0 && run != null && run.getString("error") == null
          && !run.getBoolean("changes_pending") && !run.getBoolean("running")) {
        return run;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("graph not analysed within " + timeout + ": " + ws);
  }
}
