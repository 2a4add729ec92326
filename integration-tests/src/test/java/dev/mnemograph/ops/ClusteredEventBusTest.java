package dev.mnemograph.ops;

import dev.mnemograph.api.search.QueryEmbeddings;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.node.Cluster;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.worker.WorkerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clustered Vert.x nodes in one JVM, joined by Hazelcast over TCP/IP on loopback as {@link Cluster}
 * configures them: a search's query embedding asked on one node is answered by the worker verticle on the
 * other; once that node has left, the asking node gets no answer and falls back (empty), as the API does.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
class ClusteredEventBusTest {

  private static AppConfig node(String name, int port, int otherPort) {
    return AppConfig.fromJson(new JsonObject()
        .put(AppConfig.CLUSTER_MEMBERS, "127.0.0.1:" + port + ",127.0.0.1:" + otherPort)
        .put(AppConfig.CLUSTER_PORT, port)
        .put(AppConfig.CLUSTER_NAME, name));
  }

  private static Future<Vertx> clustered(AppConfig config) {
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(Cluster.eventBus(config)))
        .withClusterManager(Cluster.manager(config)).buildClustered();
  }

  @Test
  void a_query_embedding_crosses_the_cluster_and_falls_back_once_the_worker_node_left(VertxTestContext test)
      throws Exception {
    String name = "test-" + UUID.randomUUID();
    int workerPort = freePort();
    int apiPort = freePort();
    TestDatabase db = TestDatabase.start("cluster-bus");
    Vertx workerNode = clustered(node(name, workerPort, apiPort)).await();
    Vertx apiNode = clustered(node(name, apiPort, workerPort)).await();
    try {
      workerNode.deployVerticle(new WorkerVerticle(AppConfig.fromJson(new JsonObject()), db.pool(), new Metrics(),
          null)).await();
      QueryEmbeddings queries = new QueryEmbeddings(apiNode.eventBus(), Duration.ofSeconds(2));
      var answered = test.checkpoint();
      var fellBack = test.checkpoint();

      queries.embed("database connection pooling")
          .onComplete(test.succeeding(vector -> test.verify(() -> {
            assertTrue(vector.isPresent(), "answered by the worker node");
            assertEquals(384, vector.get().split(",").length);
            answered.flag();
          })))
          .compose(v -> workerNode.close())
          .compose(v -> queries.embed("database connection pooling"))
          .onComplete(test.succeeding(vector -> test.verify(() -> {
            assertTrue(vector.isEmpty(), "no worker on the bus: no embedding, no failure");
            fellBack.flag();
          })));

      assertTrue(test.awaitCompletion(60, java.util.concurrent.TimeUnit.SECONDS));
      if (test.failed()) {
        throw new AssertionError(test.causeOfFailure());
      }
    } finally {
      apiNode.close().await();
      workerNode.close().await();
      db.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
