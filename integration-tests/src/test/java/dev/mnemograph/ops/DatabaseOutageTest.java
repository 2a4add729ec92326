package dev.mnemograph.ops;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database goes away under a running API node and comes back: requests get a prompt 503 with
 * Retry-After and a body that says so (never a 401, never a hang), readiness fails while liveness holds, and
 * the node serves again by itself once the database is back. Needs a real PostgreSQL (the embedded one is
 * one session and lives in the node's own process): runs where {@value TestService#DATABASE_URL_ENV} is set,
 * as in CI.
 */
@Tag("slow")
class DatabaseOutageTest {

  @Test
  void an_outage_is_a_prompt_503_and_the_node_recovers_by_itself() {
    String url = TestService.realDatabaseUrl();
    PgConnectOptions target = PgConnectOptions.fromUri(url);
    Vertx vertx = Vertx.vertx();
    try (CuttableProxy proxy = new CuttableProxy(vertx, target.getHost(), target.getPort())) {
      int port = proxy.start();
      URI proxied = URI.create(url.replaceFirst("@[^/]+/", "@127.0.0.1:" + port + "/"));
      AppConfig config = AppConfig.fromJson(new JsonObject()
          .put(AppConfig.HTTP_PORT, 0)
          .put(AppConfig.DATABASE_URL, proxied.toString())
          .put(AppConfig.DATABASE_POOL_SIZE, 2)
          .put(AppConfig.DATA_DIR, Path.of("target", "outage-" + UUID.randomUUID()).toString()));
      try (Mnemograph node = Mnemograph.start(config, Set.of("api"), pool -> { })) {
        String key = new WorkspaceRepository(node.pool()).createWorkspace("outage-" + UUID.randomUUID(), "k")
            .await().key();
        WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(node.httpPort()));
        String id = send(http, key, HttpMethod.POST, "/api/v1/memories/store",
            new JsonObject().put("title", "Before the outage").put("narrative", "Stored while the database was up."))
            .bodyAsJsonObject().getString("memory_id");
        assertEquals(200, send(http, key, HttpMethod.GET, "/api/v1/memories/" + id, null).statusCode());

        proxy.cut();

        for (String[] call : new String[][] {{"GET", "/api/v1/memories/" + id}, {"GET", "/api/v1/memories/"},
            {"POST", "/api/v1/memories/store"}, {"GET", "/api/v1/workspace"}}) {
          long started = System.nanoTime();
          HttpResponse<Buffer> res = send(http, key, HttpMethod.valueOf(call[0]), call[1],
              call[0].equals("POST") ? new JsonObject().put("title", "During").put("narrative", "the outage") : null);
          long ms = (System.nanoTime() - started) / 1_000_000;
          assertEquals(503, res.statusCode(), call[1] + ": " + res.bodyAsString());
          assertEquals("5", res.getHeader("Retry-After"));
          assertTrue(res.bodyAsJsonObject().getString("detail").contains("database"), res.bodyAsString());
          assertTrue(ms < 6_000, call[1] + " took " + ms + " ms");
        }
        assertEquals(503, http.get("/health/ready").send().await().statusCode());
        assertEquals(200, http.get("/health/live").send().await().statusCode());

        proxy.start();   // the database is back, on the same address

        long deadline = System.nanoTime() + 30_000_000_000L;
        int status;
        do {
          status = send(http, key, HttpMethod.GET, "/api/v1/memories/" + id, null).statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "serves again without a restart");
        assertEquals(200, http.get("/health/ready").send().await().statusCode());
      }
    } finally {
      vertx.close().await();
    }
  }

  private static HttpResponse<Buffer> send(WebClient http, String key, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path).putHeader("Authorization", "Token " + key);
    return (body == null ? request.send() : request.sendJsonObject(body)).await();
  }
}
