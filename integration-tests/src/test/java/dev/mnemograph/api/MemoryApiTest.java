package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.memory.AccessEvents;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static dev.mnemograph.api.StoreMemoryApiTest.referenceExample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Get, patch, delete, batch-delete, access and retrieval of one workspace's memories. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryApiTest {
  private Api api;

  @BeforeAll
  void workspace() {
    api = Api.newWorkspace("memory");
  }

  private String newMemory() {
    return api.store(referenceExample()).getString("memory_id");
  }

  @Test
  void get_answers_the_memory_with_feedback_counts_and_both_relationship_arrays() {
    Api alone = Api.newWorkspace("alone");   // a single memory: nothing to relate it to
    String id = alone.store(referenceExample()).getString("memory_id");

    HttpResponse<Buffer> res = alone.get("/memories/" + id);

    assertEquals(200, res.statusCode());
    JsonObject m = res.bodyAsJsonObject();
    assertEquals(id, m.getString("memory_id"));
    assertEquals("Prefer async SQLAlchemy for all DB calls", m.getString("title"));
    assertEquals(0, m.getInteger("feedback_positive_count"));
    assertEquals(0, m.getInteger("feedback_negative_count"));
    assertEquals(new JsonArray(), m.getJsonArray("outgoing_relationships"));
    assertEquals(new JsonArray(), m.getJsonArray("incoming_relationships"));
    assertNull(m.getValue("related_memories"));
  }

  @Test
  void get_shows_relationships_in_both_directions() {
    Api api = Api.newWorkspace("two");
    String a = api.store("Cache invalidation", "We invalidate by key prefix.").getString("memory_id");
    String b = api.store("Quarterly planning", "Plans are written in the wiki.").getString("memory_id");
    Jobs.awaitSettled(a, b);
    String ws = api.get("/memories/" + a).bodyAsJsonObject().getString("workspace_id");
    TestService.get().pool().preparedQuery("""
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method, confidence)
            VALUES ($1, $2, $3, 'references', 'manual', 0.9)""")
        .execute(Tuple.of(ws, a, b)).await();

    JsonObject source = api.get("/memories/" + a).bodyAsJsonObject();
    JsonObject target = api.get("/memories/" + b).bodyAsJsonObject();

    JsonObject edge = source.getJsonArray("outgoing_relationships").getJsonObject(0);
    assertEquals(a, edge.getString("source_memory_id"));
    assertEquals(b, edge.getString("target_memory_id"));
    assertEquals("references", edge.getString("relationship_type"));
    assertEquals("manual", edge.getString("discovery_method"));
    assertEquals(0.9, edge.getDouble("confidence"));
    assertEquals(false, edge.getBoolean("is_bidirectional"));
    assertTrue(edge.containsKey("context"));
    assertNotNull(edge.getString("created_at"));
    assertEquals(edge, target.getJsonArray("incoming_relationships").getJsonObject(0));
    assertEquals(new JsonArray(), target.getJsonArray("outgoing_relationships"));
  }

  @Test
  void get_with_include_related_adds_the_related_list() {
    Api api = Api.newWorkspace("related");
    String a = api.store(referenceExample()).getString("memory_id");
    String b = api.store(referenceExample()).getString("memory_id");
    Jobs.awaitSettled(a, b);

    JsonArray related = api.get("/memories/" + a + "?include_related=true").bodyAsJsonObject()
        .getJsonArray("related_memories");

    assertEquals(1, related.size());
    assertEquals(b, related.getJsonObject(0).getJsonObject("memory").getString("memory_id"));
    assertTrue(related.getJsonObject(0).getDouble("score") > 0.99);
  }

  @Test
  void get_records_an_access_event() {
    String id = newMemory();

    api.get("/memories/" + id);
    JsonObject second = api.get("/memories/" + id).bodyAsJsonObject();

    assertEquals(2, second.getInteger("access_count"));
    assertNotNull(second.getString("last_accessed_at"));
  }

  /**
   * 300 GETs of one memory, 12 at a time, across several writes of the access events: every answer counts
   * itself and the GETs before it exactly once, and the database reaches the total within a moment.
   */
  @Test
  void concurrent_gets_each_count_exactly_once() throws InterruptedException {
    String id = newMemory();
    List<Integer> counts = new ArrayList<>();
    for (int wave = 0; wave < 25; wave++) {
      List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        gets.add(api.request(HttpMethod.GET, "/memories/" + id).send());
      }
      Future.all(gets).await();
      gets.forEach(g -> counts.add(g.result().bodyAsJsonObject().getInteger("access_count")));
      if (wave % 5 == 0) {
        Thread.sleep(AccessEvents.FLUSH_INTERVAL.toMillis());   // let a write happen between the waves
      }
    }

    assertEquals(IntStream.rangeClosed(1, 300).boxed().toList(), counts.stream().sorted().toList());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (storedAccessCount(id) < 300 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(300, storedAccessCount(id));
  }

  /** A node that stops writes the access events it holds: none is lost by a graceful restart. */
  @Test
  void a_stopping_api_node_writes_the_access_events_it_holds() {
    String id = newMemory();
    Vertx node = Vertx.vertx();
    try {
      var pool = TestService.get().pool();
      // not started: no timer, so only the stop can write them
      ApiVerticle verticle = new ApiVerticle(AppConfig.fromJson(new JsonObject()), 0, pool,
          new ApiKeyCache(new WorkspaceRepository(pool), Duration.ZERO), new AccessEvents(node, pool),
          new Health(pool, "api"), new Metrics());
      String deployment = node.deployVerticle(verticle).await();
      WebClient http = WebClient.create(node, new WebClientOptions().setDefaultPort(verticle.port())
          .setDefaultHost("127.0.0.1"));
      for (int i = 1; i <= 3; i++) {
        assertEquals(i, http.request(HttpMethod.GET, "/api/v1/memories/" + id).putHeader("Authorization", "Token " + api.key())
            .send().await().bodyAsJsonObject().getInteger("access_count"));
      }
      assertEquals(0, storedAccessCount(id));

      node.undeploy(deployment).await();

      assertEquals(3, storedAccessCount(id));
    } finally {
      node.close().await();
    }
  }

  private static int storedAccessCount(String memoryId) {
    return TestService.get().pool().preparedQuery("SELECT access_count FROM memory WHERE memory_id = $1")
        .execute(Tuple.of(memoryId)).await().iterator().next().getInteger(0);
  }

  @Test
  void an_unknown_memory_is_a_404_with_the_documented_message() {
    HttpResponse<Buffer> res = api.get("/memories/mem-notexist");

    assertEquals(404, res.statusCode());
    assertEquals(new JsonObject().put("detail", "Memory 'mem-notexist' not found."), res.bodyAsJsonObject());
    assertEquals(404, api.patch("/memories/mem-notexist", new JsonObject().put("title", "x")).statusCode());
    assertEquals(404, api.delete("/memories/mem-notexist").statusCode());
    assertEquals(404, api.post("/memories/mem-notexist/access").statusCode());
    assertEquals(404, api.post("/memories/mem-notexist/retrieval").statusCode());
  }

  @Test
  void patch_changes_only_the_given_fields_and_replaces_lists_whole() {
    JsonObject before = api.store(referenceExample());
    String id = before.getString("memory_id");

    HttpResponse<Buffer> res = api.patch("/memories/" + id, new JsonObject("""
        {"importance_score": 0.95, "tags": ["sqlalchemy", "async", "critical"]}"""));

    assertEquals(200, res.statusCode(), res.bodyAsString());
    JsonObject after = res.bodyAsJsonObject();
    assertEquals(0.95, after.getDouble("importance_score"));
    assertEquals(new JsonArray(List.of("sqlalchemy", "async", "critical")), after.getJsonArray("tags"));
    assertEquals(before.getString("title"), after.getString("title"));
    assertEquals(before.getString("narrative"), after.getString("narrative"));
    assertEquals(before.getJsonArray("concepts"), after.getJsonArray("concepts"));
    assertEquals(before.getDouble("confidence_score"), after.getDouble("confidence_score"));
    assertEquals(before.getString("created_at"), after.getString("created_at"));
    assertNotNull(after.getString("updated_at"));
    assertEquals(after, withoutDetail(api.get("/memories/" + id).bodyAsJsonObject(), after));
  }

  private static JsonObject withoutDetail(JsonObject detail, JsonObject like) {
    JsonObject out = new JsonObject();
    like.fieldNames().forEach(f -> out.put(f, detail.getValue(f)));
    return out.put("access_count", like.getInteger("access_count"))
        .put("last_accessed_at", like.getValue("last_accessed_at"));
  }

  @Test
  void patch_can_empty_a_list() {
    String id = newMemory();

    JsonObject after = api.patch("/memories/" + id, new JsonObject().put("source_files", new JsonArray()))
        .bodyAsJsonObject();

    assertEquals(new JsonArray(), after.getJsonArray("source_files"));
  }

  @Test
  void patch_rejects_immutable_and_unknown_fields_and_changes_nothing() {
    JsonObject before = api.store(referenceExample());
    String id = before.getString("memory_id");

    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("memory_id", "mem-aaaaaaaaaaaaaaaa")),
        List.of("body", "memory_id"), "extra_forbidden");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("workspace_id", "ws-aaaaaaaaaaaa")
        .put("title", "sneaky")), List.of("body", "workspace_id"), "extra_forbidden");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("colour", "blue")),
        List.of("body", "colour"), "extra_forbidden");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("title", "t".repeat(501))),
        List.of("body", "title"), "string_too_long");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("importance_score", 7)),
        List.of("body", "importance_score"), "less_than_equal");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().putNull("title")),
        List.of("body", "title"), "type_error");

    JsonObject after = api.get("/memories/" + id).bodyAsJsonObject();
    assertEquals(before.getString("title"), after.getString("title"));
    assertNull(after.getValue("updated_at"));
  }

  @Test
  void delete_answers_204_and_the_memory_and_its_edges_are_gone() {
    Api api = Api.newWorkspace("delete-one");
    String a = api.store(referenceExample()).getString("memory_id");
    String b = api.store("Quarterly planning", "Plans are written in the wiki.").getString("memory_id");
    Jobs.awaitSettled(a, b);
    String ws = api.get("/memories/" + a).bodyAsJsonObject().getString("workspace_id");
    TestService.get().pool().preparedQuery("""
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method)
            VALUES ($1, $2, $3, 'related_to', 'manual')""")
        .execute(Tuple.of(ws, b, a)).await();

    HttpResponse<Buffer> res = api.delete("/memories/" + a);

    assertEquals(204, res.statusCode());
    assertEquals(0, res.bodyAsString() == null ? 0 : res.bodyAsString().length());
    assertEquals(404, api.get("/memories/" + a).statusCode());
    assertEquals(new JsonArray(), api.get("/memories/" + b).bodyAsJsonObject().getJsonArray("outgoing_relationships"));
    assertEquals(404, api.delete("/memories/" + a).statusCode());
  }

  @Test
  void batch_delete_counts_only_what_it_deleted() {
    List<String> ids = new ArrayList<>(List.of(newMemory(), newMemory(), newMemory()));
    ids.add("mem-doesnotexist00");

    HttpResponse<Buffer> res = api.post("/memories/batch-delete",
        new JsonObject().put("memory_ids", new JsonArray(ids)));

    assertEquals(200, res.statusCode());
    assertEquals(new JsonObject().put("deleted_count", 3), res.bodyAsJsonObject());
    assertEquals(404, api.get("/memories/" + ids.get(0)).statusCode());
    assertEquals(0, api.post("/memories/batch-delete", new JsonObject().put("memory_ids", new JsonArray(ids)))
        .bodyAsJsonObject().getInteger("deleted_count"));
    assertEquals(0, api.post("/memories/batch-delete", new JsonObject().put("memory_ids", new JsonArray()))
        .bodyAsJsonObject().getInteger("deleted_count"), "an empty list deletes nothing");
  }

  @Test
  void batch_delete_succeeds_while_the_workers_are_embedding_and_linking_the_same_memories() {
    // Alike memories, deleted at once: the workers are writing their vectors and edges as the delete runs,
    // and on a real PostgreSQL pool the two lock the same rows in different orders.
    Api racing = Api.newWorkspace("racing");
    for (int round = 0; round < 8; round++) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add(racing.store(referenceExample()).getString("memory_id"));
      }

      HttpResponse<Buffer> res = racing.post("/memories/batch-delete",
          new JsonObject().put("memory_ids", new JsonArray(ids)));

      assertEquals(200, res.statusCode(), res.bodyAsString());
      assertEquals(12, res.bodyAsJsonObject().getInteger("deleted_count"));
    }
    assertEquals(0, racing.list("").size());
  }

  @Test
  void batch_delete_takes_100_ids_and_rejects_101() {
    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(String.format("mem-%016d", i));
    }
    String kept = newMemory();
    List<String> hundredAndOne = new ArrayList<>(hundred);
    hundredAndOne.add(kept);

    assertEquals(200, api.post("/memories/batch-delete", new JsonObject().put("memory_ids", new JsonArray(hundred)))
        .statusCode());
    assertValidationError(api.post("/memories/batch-delete",
        new JsonObject().put("memory_ids", new JsonArray(hundredAndOne))), List.of("body", "memory_ids"), "too_long");
    assertEquals(200, api.get("/memories/" + kept).statusCode());
    assertValidationError(api.post("/memories/batch-delete", new JsonObject()), List.of("body", "memory_ids"), "missing");
  }

  @Test
  void access_and_retrieval_count_separately() {
    String id = newMemory();

    JsonObject accessed = api.post("/memories/" + id + "/access").bodyAsJsonObject();
    api.post("/memories/" + id + "/retrieval");
    api.post("/memories/" + id + "/retrieval");
    JsonObject retrieved = api.post("/memories/" + id + "/retrieval").bodyAsJsonObject();

    assertEquals(1, accessed.getInteger("access_count"));
    assertNotNull(accessed.getString("last_accessed_at"));
    assertEquals(0, accessed.getInteger("retrieval_count"));
    assertEquals(3, retrieved.getInteger("retrieval_count"));
    assertEquals(1, retrieved.getInteger("access_count"));
    assertEquals(accessed.getString("last_accessed_at"), retrieved.getString("last_accessed_at"));
  }

  @Test
  void unknown_paths_and_methods_answer_json() {
    HttpResponse<Buffer> notFound = api.get("/nothing-here");
    assertEquals(404, notFound.statusCode());
    assertNotNull(notFound.bodyAsJsonObject().getString("detail"));
    HttpResponse<Buffer> wrongMethod = api.request(io.vertx.core.http.HttpMethod.PUT, "/memories/store")
        .send().await();
    assertTrue(wrongMethod.statusCode() == 405 || wrongMethod.statusCode() == 404, wrongMethod.bodyAsString());
    assertNotNull(wrongMethod.bodyAsJsonObject().getString("detail"));
  }
}
