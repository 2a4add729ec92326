package dev.mnemograph.ops;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.ClusterNodes;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Production mode as an operator runs it: PostgreSQL, an API node and a worker node as separate JVMs on
 * loopback, on a Hazelcast-clustered event bus. The API node never loads the model: memories get their
 * embeddings and edges on the worker node, a search's query embedding comes from the worker node over the
 * cluster, /metrics on both nodes shows the work, and stopping the worker and starting it again loses
 * nothing (writes wait in PostgreSQL meanwhile; search falls back to keywords). Needs a real PostgreSQL
 * ({@value TestService#DATABASE_URL_ENV}): see {@link ClusterNodes}.
 */
@Tag("slow")
class ClusterTest {
  private static final String[][] POOLING = {
      {"Use a connection pool for PostgreSQL", "Every service reaches PostgreSQL through a bounded connection pool."},
      {"Size the database connection pool", "The PostgreSQL connection pool is sized to twice the database cores."},
      {"Pool exhaustion caused timeouts", "Requests timed out because the database connection pool was exhausted."}};

  @Test
  void api_and_worker_nodes_as_separate_processes_share_the_work_over_the_cluster() throws Exception {
    String url = TestService.realDatabaseUrl();
    try (ClusterNodes cluster = new ClusterNodes(url)) {
      cluster.start("api");
      Process worker = cluster.start("worker");
      Api api = cluster.newWorkspace("cluster");

      for (String[] m : POOLING) {
        api.store(m[0], m[1]);
      }
      await("embedded and linked on the worker node", () -> embedded(api) == 3 && relationships(api) > 0);
      JsonObject search = api.post("/memories/search", new JsonObject().put("query", "database connection pool size"))
          .bodyAsJsonObject();
      assertTrue(search.getBoolean("semantic"), "the query embedding came from the worker: " + search.encode());

      String apiMetrics = metrics(cluster, "api");
      String workerMetrics = metrics(cluster, "worker");
      assertTrue(apiMetrics.contains("route=\"/api/v1/>/memories/store\""), "the API node counted the stores");
      assertFalse(apiMetrics.contains("mnemograph_embeddings_total"), "the API node has no model");
      assertTrue(workerMetrics.lines().anyMatch(l -> l.startsWith("mnemograph_embeddings_total") && !l.endsWith(" 0.0")),
          "the worker node counted the embeddings");
      assertTrue(workerMetrics.contains("mnemograph_pipeline_seconds_count{stage=\"linked\"}"));
      assertEquals(404, cluster.http().get(cluster.port("worker"), "127.0.0.1", "/api/v1/workspace").send().await()
          .statusCode(), "a worker node serves no API");

      worker.destroy();   // SIGTERM: a graceful stop
      assertEquals(143, worker.waitFor(), "terminated by SIGTERM after its shutdown hook ran (128 + 15)");
      assertTrue(Files.readString(cluster.log("worker")).contains("Stopping Mnemograph"));
      for (int i = 0; i < 2; i++) {
        api.store("Written while no worker runs " + i,
            "This memory waits in PostgreSQL until a worker node joins the cluster again.");
      }
      assertEquals(3, embedded(api));
      JsonObject fallback = api.post("/memories/search", new JsonObject().put("query", "connection pool"))
          .bodyAsJsonObject();
      assertFalse(fallback.getBoolean("semantic"), "keywords only without a worker: " + fallback.encode());
      assertTrue(fallback.getInteger("count") > 0);

      cluster.start("worker");
      await("the writes made meanwhile embedded by the returning worker", () -> embedded(api) == 5);
      assertEquals(5, api.get("/workspace").bodyAsJsonObject().getInteger("memory_count"));
      assertEquals(0, api.get("/workspace").bodyAsJsonObject().getJsonObject("jobs").getInteger("failed"));
    }
  }

  private static String metrics(ClusterNodes cluster, String role) {
    return cluster.http().get(cluster.port(role), "127.0.0.1", "/metrics").send().await().bodyAsString();
  }

  private static long embedded(Api api) {
    return api.get("/workspace").bodyAsJsonObject().getLong("embedded_memory_count");
  }

  private static long relationships(Api api) {
    return api.get("/workspace").bodyAsJsonObject().getLong("relationship_count");
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
