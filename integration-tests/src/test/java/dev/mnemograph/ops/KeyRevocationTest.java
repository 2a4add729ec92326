package dev.mnemograph.ops;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.support.Api;
import dev.mnemograph.support.ClusterNodes;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key revoked while two API nodes (separate JVMs, one cluster, native PostgreSQL) both have it in their key
 * caches is refused by each of them within the cache's 5 s, with the detail that says it is invalid or revoked.
 */
@Tag("slow")
class KeyRevocationTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void a_revoked_key_is_refused_within_5_seconds_on_every_api_node() throws Exception {
    String url = TestService.realDatabaseUrl();
    try (ClusterNodes cluster = new ClusterNodes(url)) {
      cluster.start("api");
      List<Integer> nodes = List.of(cluster.port("api"), cluster.startAnotherApiNode());
      Api workspace = cluster.newWorkspace("revoked");
      for (int port : nodes) {
        assertEquals(200, status(port, workspace.key()), "the key works on the node at " + port);   // now cached
      }
      String prefix = cluster.pool().preparedQuery("SELECT key_prefix FROM api_key WHERE workspace_id = $1")
          .execute(Tuple.of(workspace.get("/workspace").bodyAsJsonObject().getString("workspace_id"))).await()
          .iterator().next().getString(0);

      assertEquals(1, new WorkspaceRepository(cluster.pool()).revokeKey(prefix).await());   // as `key revoke` does
      long revoked = System.nanoTime();
      long[] refusedAfterMs = new long[nodes.size()];
      Arrays.fill(refusedAfterMs, -1);
      while (Arrays.stream(refusedAfterMs).anyMatch(ms -> ms < 0)
          && System.nanoTime() - revoked < ApiKeyCache.MAX_TTL.plusSeconds(3).toNanos()) {
        for (int i = 0; i < nodes.size(); i++) {
          if (refusedAfterMs[i] < 0 && status(nodes.get(i), workspace.key()) == 401) {
            refusedAfterMs[i] = (System.nanoTime() - revoked) / 1_000_000;
          }
        }
        Thread.sleep(50);
      }
      for (int i = 0; i < nodes.size(); i++) {
        assertTrue(refusedAfterMs[i] >= 0 && refusedAfterMs[i] <= ApiKeyCache.MAX_TTL.plusSeconds(1).toMillis(),
            "node " + (i + 1) + " refused the revoked key after " + refusedAfterMs[i] + " ms");
        HttpResponse<String> res = get(nodes.get(i), workspace.key());
        assertTrue(res.body().contains("Invalid or revoked API key."), res.body());
      }
      System.out.printf("KeyRevocationTest: the revoked key refused by API node 1 after %d ms and node 2 after %d ms%n",
          refusedAfterMs[0], refusedAfterMs[1]);
    }
  }

  private int status(int port, String key) throws Exception {
    return get(port, key).statusCode();
  }

  private HttpResponse<String> get(int port, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/workspace"))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Token " + key).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
