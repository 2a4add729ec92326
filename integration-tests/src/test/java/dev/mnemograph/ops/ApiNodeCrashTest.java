package dev.mnemograph.ops;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.ClusterNodes;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API node is killed with SIGKILL three times, at random points, under 8 writers, and started again each
 * time, while a separate worker node keeps running (separate JVMs on native PostgreSQL, {@link ClusterNodes}).
 * The writers are the clients the contract asks for: each store carries its own Idempotency-Key and is sent again
 * until it is answered (connection refused or reset, no answer within 10 s, 503). Asserted: every store answered
 * 201 is there afterwards; a store whose answer the crash took was either committed (its retry gets the original
 * answer back, {@code Idempotent-Replayed}) or not (its retry stores it): the workspace holds each logical write
 * exactly once; and the worker node embeds and links every memory within 60 s of the last restart.
 */
@Tag("slow")
class ApiNodeCrashTest {
  private static final int WRITERS = 8;
  private static final int KILLS = 3;
  /** The writers go faster than one agent's key may (the default rate limit would answer 429). */
  private static final Map<String, String> NO_RATE_LIMIT = Map.of("MNEMOGRAPH_AUTH_RATE_LIMIT_PER_SECOND", "0");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger replayed = new AtomicInteger();

  @Test
  void acknowledged_stores_survive_sigkills_of_the_api_node_exactly_once() throws Exception {
    String url = TestService.realDatabaseUrl();
    try (ClusterNodes cluster = new ClusterNodes(url)) {
      cluster.start("worker");
      Process api = cluster.start("api", NO_RATE_LIMIT);
      Api workspace = cluster.newWorkspace("api-crash");
      String workspaceId = workspace.get("/workspace").bodyAsJsonObject().getString("workspace_id");
      URI store = URI.create("http://127.0.0.1:" + cluster.port("api") + "/api/v1/memories/store");

      Map<String, String> acknowledged = new ConcurrentHashMap<>();   // logical write -> memory_id
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; !stop.get(); i++) {
              String write = "w" + writer + "-" + i;
              acknowledged.put(write, storeUntilAnswered(store, workspace.key(), write));
            }
          } catch (Throwable e) {
            failures.add(e.toString());
          }
        }, "writer-" + w);
        t.start();
        writers.add(t);
      }

      Random random = new Random();
      List<Integer> ackedAtKill = new ArrayList<>();
      for (int k = 0; k < KILLS; k++) {
        Thread.sleep(1_500 + random.nextInt(2_500));
        api.destroyForcibly();   // SIGKILL
        api.waitFor();
        ackedAtKill.add(acknowledged.size());
        api = cluster.start("api", NO_RATE_LIMIT);
      }
      long lastRestart = System.nanoTime();
      Thread.sleep(1_500);
      stop.set(true);
      for (Thread t : writers) {
        t.join(120_000);
      }

      assertTrue(failures.isEmpty(), "answers other than 201 and 503: " + failures);
      Set<String> stored = new TreeSet<>();
      cluster.pool().preparedQuery("SELECT memory_id FROM memory WHERE workspace_id = $1").execute(Tuple.of(workspaceId))
          .await().forEach(r -> stored.add(r.getString(0)));
      assertTrue(stored.containsAll(acknowledged.values()), "every acknowledged store is there");
      assertEquals(acknowledged.size(), stored.size(), "each logical write exactly once: " + acknowledged.size()
          + " writes, " + stored.size() + " memories");
      assertEquals(acknowledged.size(), Set.copyOf(acknowledged.values()).size(), "no two writes got one memory");

      JsonObject ws = Jobs.awaitWorkspaceSettled(workspace, stored.size(), lastRestart);
      long settledMs = (System.nanoTime() - lastRestart) / 1_000_000;
      assertEquals(0, ws.getJsonObject("jobs").getInteger("failed"), ws.encode());
      System.out.printf("ApiNodeCrashTest: %d SIGKILLs of the API node (after %s stores) under %d writers: %d stores "
              + "acknowledged, %d memories, each once; %d retries, %d answered from the idempotency record (committed "
              + "before the crash); all embedded and linked by the worker node %d ms after the last restart%n",
          KILLS, ackedAtKill, WRITERS, acknowledged.size(), stored.size(), retries.get(), replayed.get(), settledMs);
    }
  }

  /** Sends one store with its own Idempotency-Key until it is answered 201; its memory_id. */
  private String storeUntilAnswered(URI store, String key, String write) {
    HttpRequest request = HttpRequest.newBuilder(store).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Token " + key).header("Content-Type", "application/json")
        .header("Idempotency-Key", "api-crash-" + write)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("title", "Write " + write)
            .put("narrative", "Stored by " + write + " while the API node may be killed.").encode()))
        .build();
    while (true) {
      try {
        HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() == 201) {
          if (res.headers().firstValue("Idempotent-Replayed").isPresent()) {
            replayed.incrementAndGet();
          }
          return new JsonObject(res.body()).getString("memory_id");
        }
        if (res.statusCode() != 503) {
          throw new AssertionError(write + ": " + res.statusCode() + " " + res.body());
        }
      } catch (IOException down) {
        // refused while the node is down, reset when it died mid-request, or timed out: send it again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      retries.incrementAndGet();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
