package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.auth.KeyRateLimit;
import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.api.memory.AccessEvents;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.ApiKeyInfo;
import dev.mnemograph.workspace.ApiKeys;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthApiTest {
  private final WorkspaceRepository workspaces = new WorkspaceRepository(TestService.get().pool());

  private static HttpResponse<Buffer> listWith(String authorization) {
    var request = TestService.http().get("/api/v1/memories/");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return request.send().await();
  }

  private static void assertUnauthorized(HttpResponse<Buffer> res) {
    assertEquals(401, res.statusCode(), res.bodyAsString());
    assertNotNull(res.bodyAsJsonObject().getString("detail"), res.bodyAsString());
  }

  @Test
  void a_valid_token_is_accepted() {
    NewApiKey key = TestService.newWorkspace("auth");

    assertEquals(200, listWith("Token " + key.key()).statusCode());
  }

  private static String detail(HttpResponse<Buffer> res) {
    return res.bodyAsJsonObject().getString("detail");
  }

  @Test
  void a_missing_header_is_401_saying_that_no_credentials_were_sent() {
    HttpResponse<Buffer> res = listWith(null);

    assertUnauthorized(res);
    assertTrue(detail(res).startsWith("Authentication credentials were not provided"), detail(res));
  }

  @Test
  void the_bearer_scheme_is_401_even_with_a_valid_key() {
    NewApiKey key = TestService.newWorkspace("auth");

    HttpResponse<Buffer> res = listWith("Bearer " + key.key());

    assertUnauthorized(res);
    assertTrue(detail(res).startsWith("Use 'Authorization: Token <api-key>'"), detail(res));
  }

  @Test
  void an_unknown_key_is_401_saying_that_the_key_is_invalid() {
    HttpResponse<Buffer> res = listWith("Token " + ApiKeys.newKey());

    assertUnauthorized(res);
    assertEquals("Invalid or revoked API key.", detail(res));
    assertUnauthorized(listWith("Token "));
  }

  @Test
  void a_revoked_key_is_401_within_the_key_caches_5_seconds() throws InterruptedException {
    NewApiKey key = TestService.newWorkspace("auth");
    assertEquals(200, listWith("Token " + key.key()).statusCode());   // now remembered by the node

    assertEquals(1, workspaces.revokeKey(key.info().keyPrefix()).await());
    long revoked = System.nanoTime();
    HttpResponse<Buffer> res = listWith("Token " + key.key());
    while (res.statusCode() == 200 && System.nanoTime() - revoked < ApiKeyCache.MAX_TTL.plusSeconds(2).toNanos()) {
      Thread.sleep(100);
      res = listWith("Token " + key.key());
    }

    assertUnauthorized(res);
    assertEquals("Invalid or revoked API key.", detail(res), "not told to send a key it sent");
    assertTrue(System.nanoTime() - revoked <= ApiKeyCache.MAX_TTL.plusSeconds(1).toNanos(),
        "401 within the TTL (and one request)");
  }

  @Test
  void authentication_comes_before_validation() {
    HttpResponse<Buffer> res = TestService.http().post("/api/v1/memories/store")
        .sendJsonObject(StoreMemoryApiTest.referenceExample().put("title", "")).await();

    assertUnauthorized(res);
  }

  @Test
  void keys_are_recognisable_long_and_stored_only_as_a_hash() {
    NewApiKey key = TestService.newWorkspace("auth");

    assertTrue(key.key().matches("mnemo_[a-z0-9]{40}"), "40 chars of 36 symbols = 206 bits");
    ApiKeyInfo listed = workspaces.listKeys().await().stream()
        .filter(k -> k.keyId() == key.info().keyId()).findFirst().orElseThrow();
    assertTrue(key.key().startsWith(listed.keyPrefix()));
    assertTrue(listed.keyPrefix().length() < 20);
    String stored = TestService.get().pool().query("SELECT key_hash FROM api_key WHERE key_id = " + key.info().keyId())
        .execute().await().iterator().next().getString(0);
    assertEquals(ApiKeys.hash(key.key()), stored);
    assertFalse(stored.contains(key.key().substring(6)));
  }

  @Test
  void a_second_key_works_alongside_the_first() {
    NewApiKey first = TestService.newWorkspace("auth");
    NewApiKey second = workspaces.createKey(first.workspace().workspaceId(), "second").await();

    Api one = new Api(first.key());
    Api two = new Api(second.key());
    String id = one.store("Shared", "Both keys see it.").getString("memory_id");

    assertEquals(200, two.get("/memories/" + id).statusCode());
  }

  @Test
  void a_key_over_its_rate_gets_429_with_retry_after_and_other_keys_go_on() {
    Vertx limitedNode = Vertx.vertx();
    try {
      var pool = TestService.get().pool();
      // 1 request/s after a burst of 4 (the default is 200/s after 2,000)
      ApiVerticle verticle = new ApiVerticle(AppConfig.fromJson(new JsonObject()), 0, pool,
          new ApiKeyCache(new WorkspaceRepository(pool), Duration.ZERO, new KeyRateLimit(1, 4)),
          new AccessEvents(limitedNode, pool), new Health(pool, "api"), new Metrics());
      limitedNode.deployVerticle(verticle).await();
      WebClient http = WebClient.create(limitedNode, new WebClientOptions().setDefaultPort(verticle.port())
          .setDefaultHost("127.0.0.1"));
      NewApiKey busy = TestService.newWorkspace("rate");
      NewApiKey calm = TestService.newWorkspace("rate");

      // an MCP call admitted after its key was looked up in the database (no cache here)
      HttpResponse<Buffer> admitted = http.post(McpEndpoint.PATH).putHeader("Authorization", "Bearer " + busy.key())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "ping")).await();
      assertEquals(200, admitted.statusCode(), admitted.bodyAsString());
      for (int i = 0; i < 3; i++) {
        assertEquals(200, http.get("/api/v1/memories/").putHeader("Authorization", "Token " + busy.key()).send()
            .await().statusCode());
      }
      // both at once: each refusal is answered after a pause (1 s), in which the bucket earns a token again
      var rest = http.get("/api/v1/memories/").putHeader("Authorization", "Token " + busy.key()).send();
      var mcpCall = http.post(McpEndpoint.PATH).putHeader("Authorization", "Bearer " + busy.key())
          .putHeader("Accept", "application/json, text/event-stream")
          .sendJsonObject(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "ping"));
      HttpResponse<Buffer> refused = rest.await();
      HttpResponse<Buffer> mcp = mcpCall.await();
      HttpResponse<Buffer> other = http.get("/api/v1/memories/").putHeader("Authorization", "Token " + calm.key())
          .send().await();

      assertEquals(429, refused.statusCode(), refused.bodyAsString());
      assertEquals("1", refused.getHeader("Retry-After"));
      assertTrue(detail(refused).startsWith("Too many requests with this API key"), detail(refused));
      assertEquals(429, mcp.statusCode(), mcp.bodyAsString());
      assertEquals("1", mcp.getHeader("Retry-After"));
      assertEquals(200, other.statusCode(), "another key has a rate of its own");
    } finally {
      limitedNode.close().await();
    }
  }
}
