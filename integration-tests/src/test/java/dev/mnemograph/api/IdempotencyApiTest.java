package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Key on the POSTs that create something: a retry gets the first answer and creates nothing. */
class IdempotencyApiTest {

  private static JsonObject memory(String title) {
    return new JsonObject().put("title", title).put("narrative", "Retries must not duplicate " + title + ".");
  }

  private static HttpResponse<Buffer> store(Api api, String key, JsonObject body) {
    return api.request(HttpMethod.POST, "/memories/store").putHeader("Idempotency-Key", key).sendJsonObject(body)
        .await();
  }

  @Test
  void a_retry_with_the_same_key_gets_the_first_answer_and_stores_nothing_new() {
    Api api = Api.newWorkspace("idempotent-store");
    String key = UUID.randomUUID().toString();

    HttpResponse<Buffer> first = store(api, key, memory("the cache decision"));
    HttpResponse<Buffer> retry = store(api, key, memory("the cache decision"));

    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals(201, retry.statusCode());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), retry.bodyAsJsonObject());
    assertEquals(1, api.list("").size());
    // without a key each store is a new memory, as before
    api.store(memory("the cache decision"));
    assertEquals(2, api.list("").size());
  }

  @Test
  void the_same_key_with_another_request_is_a_422_naming_the_header() {
    Api api = Api.newWorkspace("idempotent-mismatch");
    String key = UUID.randomUUID().toString();
    assertEquals(201, store(api, key, memory("one")).statusCode());

    assertValidationError(store(api, key, memory("another")), List.of("header", "Idempotency-Key"),
        "idempotency_key_reused");
    String target = api.store(memory("target")).getString("memory_id");
    String source = api.list("?ordering=created_at").getJsonObject(0).getString("memory_id");
    HttpResponse<Buffer> onAnotherPath = api.request(HttpMethod.POST, "/memories/" + source + "/relationships")
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject().put("target_memory_id", target).put("relationship_type", "references")).await();
    assertEquals(422, onAnotherPath.statusCode(), onAnotherPath.bodyAsString());
    assertEquals(2, api.list("").size());
  }

  @Test
  void keys_belong_to_their_workspace() {
    Api alice = Api.newWorkspace("idempotent-alice");
    Api bob = Api.newWorkspace("idempotent-bob");
    String key = UUID.randomUUID().toString();

    HttpResponse<Buffer> hers = store(alice, key, memory("shared key"));
    HttpResponse<Buffer> his = store(bob, key, memory("shared key"));

    assertEquals(201, his.statusCode());
    assertNull(his.getHeader("Idempotent-Replayed"));
    assertTrue(!hers.bodyAsJsonObject().getString("memory_id").equals(his.bodyAsJsonObject().getString("memory_id")));
    assertEquals(1, alice.list("").size());
    assertEquals(1, bob.list("").size());
  }

  @Test
  void concurrent_retries_create_one_memory() {
    Api api = Api.newWorkspace("idempotent-concurrent");
    String key = UUID.randomUUID().toString();
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sends.add(api.request(HttpMethod.POST, "/memories/store").putHeader("Idempotency-Key", key)
          .sendJsonObject(memory("raced")));
    }
    Future.all(sends).await();

    Set<String> ids = sends.stream().map(f -> {
      assertEquals(201, f.result().statusCode(), f.result().bodyAsString());
      return f.result().bodyAsJsonObject().getString("memory_id");
    }).collect(Collectors.toSet());
    assertEquals(1, ids.size());
    assertEquals(1, api.list("").size());
    assertEquals(7, sends.stream().filter(f -> "true".equals(f.result().getHeader("Idempotent-Replayed"))).count());
  }

  @Test
  void relationships_and_feedback_take_a_key_too() {
    Api api = Api.newWorkspace("idempotent-edges");
    String a = api.store(memory("a")).getString("memory_id");
    String b = api.store(memory("b")).getString("memory_id");
    String edgeKey = UUID.randomUUID().toString();
    JsonObject edge = new JsonObject().put("target_memory_id", b).put("relationship_type", "depends_on");
    String feedbackKey = UUID.randomUUID().toString();
    JsonObject rating = new JsonObject().put("useful", true);

    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> added = api.request(HttpMethod.POST, "/memories/" + a + "/relationships")
          .putHeader("Idempotency-Key", edgeKey).sendJsonObject(edge).await();
      assertEquals(201, added.statusCode(), "not the 409 of a second identical edge: " + added.bodyAsString());
      HttpResponse<Buffer> rated = api.request(HttpMethod.POST, "/memories/" + a + "/feedback")
          .putHeader("Idempotency-Key", feedbackKey).sendJsonObject(rating).await();
      assertEquals(201, rated.statusCode(), rated.bodyAsString());
    }
    assertEquals(1, api.get("/memories/" + a).bodyAsJsonObject().getInteger("feedback_positive_count"));
  }

  @Test
  void a_key_is_forgotten_after_24_hours() {
    Api api = Api.newWorkspace("idempotent-expiry");
    String key = UUID.randomUUID().toString();
    String first = store(api, key, memory("old")).bodyAsJsonObject().getString("memory_id");
    TestService.get().pool()
        .preparedQuery("UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE idempotency_key = $1")
        .execute(Tuple.of(key)).await();

    HttpResponse<Buffer> later = store(api, key, memory("new"));

    assertEquals(201, later.statusCode(), later.bodyAsString());
    assertNull(later.getHeader("Idempotent-Replayed"));
    assertTrue(!first.equals(later.bodyAsJsonObject().getString("memory_id")));
    assertEquals(2, api.list("").size());
  }

  @Test
  void a_bad_key_is_a_422() {
    Api api = Api.newWorkspace("idempotent-bad-key");
    for (String bad : List.of("x".repeat(256), "two words")) {
      HttpResponse<Buffer> res = store(api, bad, memory("bad key"));
      assertEquals(422, res.statusCode(), res.bodyAsString());
      assertTrue(res.bodyAsString().contains("Idempotency-Key"), res.bodyAsString());
    }
    assertEquals(0, api.list("").size());
  }

  /**
   * The answer is lost after the server committed (a proxy drops the connection when the answer's first
   * bytes come back): the client's retry with the same key gets the stored memory, not a second one.
   */
  @Test
  void a_retry_after_a_lost_answer_gets_the_committed_memory() {
    Api api = Api.newWorkspace("idempotent-lost-answer");
    Vertx vertx = TestService.get().vertx();
    AtomicBoolean dropAnswers = new AtomicBoolean(true);
    NetClient upstream = vertx.createNetClient();
    int apiPort = TestService.get().httpPort();
    NetServer proxy = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      upstream.connect(apiPort, "127.0.0.1").onSuccess(out -> {
        in.handler(out::write);
        out.handler(bytes -> {
          if (dropAnswers.get()) {
            in.close();   // the server has answered, so it committed; the client never sees it
            out.close();
          } else {
            in.write(bytes);
          }
        });
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(e -> in.close());
    }).listen(0, "127.0.0.1").await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(proxy.actualPort()).setKeepAlive(false));
    try {
      String key = UUID.randomUUID().toString();
      JsonObject body = memory("the lost answer");

      assertThrows(RuntimeException.class, () -> client.post("/api/v1/memories/store")
          .putHeader("Authorization", "Token " + api.key()).putHeader("Idempotency-Key", key)
          .sendJsonObject(body).await());
      assertEquals(1, api.list("").size(), "the server committed the store");

      dropAnswers.set(false);
      HttpResponse<Buffer> retry = client.post("/api/v1/memories/store")
          .putHeader("Authorization", "Token " + api.key()).putHeader("Idempotency-Key", key)
          .sendJsonObject(body).await();

      assertEquals(201, retry.statusCode(), retry.bodyAsString());
      assertEquals("true", retry.getHeader("Idempotent-Replayed"));
      assertEquals(api.list("").getJsonObject(0).getString("memory_id"), retry.bodyAsJsonObject().getString("memory_id"));
      assertEquals(1, api.list("").size());
    } finally {
      client.close();
      proxy.close().await();
      upstream.close().await();
    }
  }
}
