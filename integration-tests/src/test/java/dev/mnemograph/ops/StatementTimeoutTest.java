package dev.mnemograph.ops;

import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A statement that runs past {@code database.statement-timeout-ms} (here: waiting for a row another session
 * holds locked) is a prompt 503 with Retry-After that says so, on REST and on MCP, and changes nothing; the
 * same request succeeds once the lock is gone. Needs a real PostgreSQL: PGlite is one session, so nothing
 * else can hold a lock, and it ignores statement timeouts.
 */
@Tag("slow")
class StatementTimeoutTest {
  private static final int TIMEOUT_MS = 300;

  @Test
  void a_statement_past_the_timeout_is_a_503_and_changes_nothing() {
    String url = TestService.realDatabaseUrl();
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url)
        .put(AppConfig.DATABASE_POOL_SIZE, 2)
        .put(AppConfig.DATABASE_STATEMENT_TIMEOUT_MS, TIMEOUT_MS)
        .put(AppConfig.DATA_DIR, Path.of("target", "timeout-" + UUID.randomUUID()).toString()));
    Vertx vertx = Vertx.vertx();
    try (Mnemograph node = Mnemograph.start(config, Set.of("api"), pool -> { })) {
      String key = new WorkspaceRepository(node.pool()).createWorkspace("timeout-" + UUID.randomUUID(), "k")
          .await().key();
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(node.httpPort()));
      JsonObject stored = http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key)
          .sendJsonObject(new JsonObject().put("title", "Locked").put("narrative", "Held by another session."))
          .await().bodyAsJsonObject();
      String id = stored.getString("memory_id");

      SqlConnection holder = PgConnection.connect(vertx, PgConnectOptions.fromUri(url)).await();
      holder.query("BEGIN").execute().await();
      assertEquals(1, holder.preparedQuery("SELECT 1 FROM memory WHERE workspace_id = $1 AND memory_id = $2 "
          + "FOR UPDATE").execute(Tuple.of(stored.getString("workspace_id"), id)).await().rowCount());

      long started = System.nanoTime();
      HttpResponse<Buffer> patch = http.patch("/api/v1/memories/" + id).putHeader("Authorization", "Token " + key)
          .sendJsonObject(new JsonObject().put("title", "Changed while locked")).await();
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertEquals(503, patch.statusCode(), patch.bodyAsString());
      assertEquals("1", patch.getHeader("Retry-After"));
      assertTrue(patch.bodyAsJsonObject().getString("detail").contains("statement timeout"), patch.bodyAsString());
      assertTrue(ms < 3_000, "answered after " + ms + " ms");

      JsonObject rate = http.post(McpEndpoint.PATH).putHeader("Authorization", "Bearer " + key)
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
              .put("params", new JsonObject().put("name", "memory_rate")
                  .put("arguments", new JsonObject().put("memory_id", id).put("useful", true))))
          .await().bodyAsJsonObject().getJsonObject("result");
      assertEquals(true, rate.getBoolean("isError"), rate.encode());
      assertTrue(rate.getJsonArray("content").getJsonObject(0).getString("text").contains("statement timeout"),
          rate.encode());

      holder.query("ROLLBACK").execute().await();
      holder.close().await();

      JsonObject after = http.get("/api/v1/memories/" + id).putHeader("Authorization", "Token " + key).send()
          .await().bodyAsJsonObject();
      assertEquals("Locked", after.getString("title"), "the timed-out edit changed nothing");
      assertEquals(0, after.getInteger("feedback_positive_count", 0), after.encode());
      assertEquals(200, http.patch("/api/v1/memories/" + id).putHeader("Authorization", "Token " + key)
          .sendJsonObject(new JsonObject().put("title", "Changed after the lock")).await().statusCode());
    } finally {
      vertx.close().await();
    }
  }
}
