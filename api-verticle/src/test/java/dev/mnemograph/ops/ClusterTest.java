package dev.mnemograph.ops;

import dev.mnemograph.support.NodeProcess;
import dev.mnemograph.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Production mode as an operator runs it: PostgreSQL, an API node and a worker node as separate JVMs on
 * loopback, on a Hazelcast-clustered event bus. The API node never loads the model: memories get their
 * embeddings and edges on the worker node, a search's query embedding comes from the worker node over the
 * cluster, /metrics on both nodes shows the work, and stopping the worker and starting it again loses
 * nothing (writes wait in PostgreSQL meanwhile; search falls back to keywords). Needs a real PostgreSQL
 * ({@value TestService#DATABASE_URL_ENV}); uses its database {@code mnemograph_cluster}, so that the test
 * JVM's own workers never take the nodes' jobs.
 */
class ClusterTest {
  private static final String[][] POOLING = {
      {"Use a connection pool for PostgreSQL", "Every service reaches PostgreSQL through a bounded connection pool."},
      {"Size the database connection pool", "The PostgreSQL connection pool is sized to twice the database cores."},
      {"Pool exhaustion caused timeouts", "Requests timed out because the database connection pool was exhausted."}};

  @Test
  void api_and_worker_nodes_as_separate_processes_share_the_work_over_the_cluster() throws Exception {
    String url = System.getenv(TestService.DATABASE_URL_ENV);
    assumeTrue(url != null && !url.isBlank(), "needs a real PostgreSQL (" + TestService.DATABASE_URL_ENV + ")");
    String clusterUrl = url.replaceFirst("/[^/?]+(\\?.*)?$", "/mnemograph_cluster$1");
    int apiPort = NodeProcess.freePort();
    int opsPort = NodeProcess.freePort();
    int hzApi = NodeProcess.freePort();
    int hzWorker = NodeProcess.freePort();
    Map<String, String> env = Map.of(
        "MNEMOGRAPH_DATABASE_URL", clusterUrl,
        "MNEMOGRAPH_CLUSTER_MEMBERS", "127.0.0.1:" + hzApi + ",127.0.0.1:" + hzWorker,
        "MNEMOGRAPH_CLUSTER_NAME", "test-" + UUID.randomUUID(),
        "MNEMOGRAPH_HTTP_PORT", String.valueOf(apiPort),
        "MNEMOGRAPH_OPS_PORT", String.valueOf(opsPort));
    Path dir = Files.createTempDirectory("mnemograph-cluster");
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx);
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(clusterUrl)).using(vertx).build();
    List<Process> nodes = new ArrayList<>();
    String workspaceId = null;
    try {
      Process api = start(dir, "api", env, hzApi, nodes);
      Process worker = start(dir, "worker", env, hzWorker, nodes);
      awaitReady(http, apiPort, api, dir.resolve("api.log"));
      awaitReady(http, opsPort, worker, dir.resolve("worker.log"));
      // the key is made as `key create` would: straight in the database the nodes share
      JsonObject ws = createWorkspace(pool);
      workspaceId = ws.getString("workspace_id");
      String key = ws.getString("key");

      List<String> ids = new ArrayList<>();
      for (String[] m : POOLING) {
        ids.add(store(http, apiPort, key, m[0], m[1]));
      }
      await("embedded and linked on the worker node", () -> embedded(http, apiPort, key) == 3
          && relationships(http, apiPort, key) > 0);
      JsonObject search = post(http, apiPort, key, "/api/v1/memories/search",
          new JsonObject().put("query", "database connection pool size")).bodyAsJsonObject();
      assertTrue(search.getBoolean("semantic"), "the query embedding came from the worker: " + search.encode());

      String apiMetrics = get(http, apiPort, "/metrics").bodyAsString();
      String workerMetrics = get(http, opsPort, "/metrics").bodyAsString();
      assertTrue(apiMetrics.contains("route=\"/api/v1/>/memories/store\""), "the API node counted the stores");
      assertFalse(apiMetrics.contains("mnemograph_embeddings_total"), "the API node has no model");
      assertTrue(workerMetrics.lines().anyMatch(l -> l.startsWith("mnemograph_embeddings_total") && !l.endsWith(" 0.0")),
          "the worker node counted the embeddings");
      assertTrue(workerMetrics.contains("mnemograph_pipeline_seconds_count{stage=\"linked\"}"));
      assertEquals(404, get(http, opsPort, "/api/v1/workspace").statusCode(), "a worker node serves no API");

      worker.destroy();   // SIGTERM: a graceful stop
      assertEquals(143, worker.waitFor(), "terminated by SIGTERM after its shutdown hook ran (128 + 15)");
      assertTrue(Files.readString(dir.resolve("worker.log")).contains("Stopping Mnemograph"));
      for (int i = 0; i < 2; i++) {
        ids.add(store(http, apiPort, key, "Written while no worker runs " + i,
            "This memory waits in PostgreSQL until a worker node joins the cluster again."));
      }
      assertEquals(3, embedded(http, apiPort, key));
      JsonObject fallback = post(http, apiPort, key, "/api/v1/memories/search",
          new JsonObject().put("query", "connection pool")).bodyAsJsonObject();
      assertFalse(fallback.getBoolean("semantic"), "keywords only without a worker: " + fallback.encode());
      assertTrue(fallback.getInteger("count") > 0);

      Process again = start(dir, "worker", env, hzWorker, nodes);
      awaitReady(http, opsPort, again, dir.resolve("worker.log"));
      await("the writes made meanwhile embedded by the returning worker", () -> embedded(http, apiPort, key) == 5);
      assertEquals(5, get(http, apiPort, "/api/v1/workspace", key).bodyAsJsonObject().getInteger("memory_count"));
      assertEquals(0, get(http, apiPort, "/api/v1/workspace", key).bodyAsJsonObject().getJsonObject("jobs")
          .getInteger("failed"));
    } finally {
      for (Process p : nodes) {
        NodeProcess.stop(p);
      }
      if (workspaceId != null) {
        pool.preparedQuery("DELETE FROM workspace WHERE workspace_id = $1").execute(Tuple.of(workspaceId)).await();
      }
      pool.close().await();
      vertx.close().await();
    }
  }

  private static Process start(Path dir, String role, Map<String, String> env, int hazelcastPort, List<Process> nodes)
      throws IOException {
    Map<String, String> own = new java.util.HashMap<>(env);
    own.put("MNEMOGRAPH_CLUSTER_PORT", String.valueOf(hazelcastPort));
    Process p = NodeProcess.start(dir, role, own);
    nodes.add(p);
    return p;
  }

  private static void awaitReady(WebClient http, int port, Process node, Path log) throws Exception {
    NodeProcess.awaitReady(http, port, node, log);
  }

  private static JsonObject createWorkspace(Pool pool) {
    // through the same code path as the CLI's `workspace create`
    var created = new dev.mnemograph.workspace.WorkspaceRepository(pool)
        .createWorkspace("cluster-" + UUID.randomUUID(), "cluster-test").await();
    return new JsonObject().put("workspace_id", created.workspace().workspaceId()).put("key", created.key());
  }

  private static String store(WebClient http, int port, String key, String title, String narrative) {
    HttpResponse<Buffer> res = post(http, port, key, "/api/v1/memories/store",
        new JsonObject().put("title", title).put("narrative", narrative));
    assertEquals(201, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject().getString("memory_id");
  }

  private static long embedded(WebClient http, int port, String key) {
    return get(http, port, "/api/v1/workspace", key).bodyAsJsonObject().getLong("embedded_memory_count");
  }

  private static long relationships(WebClient http, int port, String key) {
    return get(http, port, "/api/v1/workspace", key).bodyAsJsonObject().getLong("relationship_count");
  }

  private static HttpResponse<Buffer> post(WebClient http, int port, String key, String path, JsonObject body) {
    return http.post(port, "127.0.0.1", path).putHeader("Authorization", "Token " + key).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> get(WebClient http, int port, String path, String key) {
    return http.get(port, "127.0.0.1", path).putHeader("Authorization", "Token " + key).send().await();
  }

  private static HttpResponse<Buffer> get(WebClient http, int port, String path) {
    return http.get(port, "127.0.0.1", path).send().await();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 90 s: " + what);
      }
      Thread.sleep(250);
    }
  }
}
