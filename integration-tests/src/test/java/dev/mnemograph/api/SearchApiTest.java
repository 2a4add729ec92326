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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /memories/search on a small corpus whose right answers a person can tell at a glance. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchApiTest {
  private Api api;
  private final Map<String, String> ids = new HashMap<>();   // short name -> memory_id

  @BeforeAll
  void corpus() {
    api = Api.newWorkspace("search");
    store("pooling", "Use connection pooling for PostgreSQL", "Every service opens one HikariCP pool with at most "
        + "ten connections and never opens a connection per request.", "pattern", 0.8,
        List.of("database", "postgres"), List.of("src/db/pool.py"));
    store("deploys", "Deploys happen on Tuesdays", "We ship to production every Tuesday after the standup, and "
        + "never on a Friday.", "convention", 0.6, List.of("process", "release"), List.of());
    store("async", "Async SQLAlchemy everywhere", "All database calls use AsyncSession so that the event loop "
        + "never blocks.", "pattern", 0.9, List.of("database", "async", "python"), List.of("api/database.py"));
    store("webhooks", "Payment webhook outage on 3 March", "Stripe retried webhooks for six hours because our "
        + "handler timed out; we now acknowledge first and process in a queue.", "incident", 0.7,
        List.of("payments", "stripe"), List.of("services/payments/webhooks.py"));
    store("flags", "Feature flags live in LaunchDarkly", "Toggles for unfinished work are created in LaunchDarkly "
        + "and removed within two sprints.", "decision", 0.4, List.of("flags", "ops:config"), List.of());
    store("lunch", "Team lunch on Fridays", "The team eats together at noon on the last Friday of the month.",
        "general", 0.2, List.of("team"), List.of());
    store("logs", "Log lines are JSON", "Every service writes structured JSON logs to stdout, never plain text.",
        "convention", 0.5, List.of("logging", "ops:observability"), List.of("lib/logging.py"));
    store("sessions", "Cache user sessions in Redis", "Sessions live in Redis with a 24 hour expiry so that "
        + "any API node can serve any user.", "architecture", 0.6, List.of("cache", "redis"), List.of());
    Jobs.awaitSettled(new ArrayList<>(ids.values()), java.time.Duration.ofSeconds(90));
  }

  private void store(String name, String title, String narrative, String type, double importance, List<String> tags,
                     List<String> files) {
    ids.put(name, api.store(new JsonObject().put("title", title).put("narrative", narrative).put("memory_type", type)
        .put("importance_score", importance).put("tags", new JsonArray(tags))
        .put("source_files", new JsonArray(files))).getString("memory_id"));
  }

  private JsonObject search(Api who, JsonObject body) {
    HttpResponse<Buffer> res = who.post("/memories/search", body);
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private JsonObject search(JsonObject body) {
    return search(api, body);
  }

  private static JsonObject query(String q) {
    return new JsonObject().put("query", q);
  }

  private static List<JsonObject> results(JsonObject answer) {
    List<JsonObject> out = new ArrayList<>();
    answer.getJsonArray("results").forEach(r -> out.add((JsonObject) r));
    assertEquals(out.size(), answer.getInteger("count"));
    return out;
  }

  private static String first(JsonObject answer) {
    return results(answer).get(0).getJsonObject("memory").getString("memory_id");
  }

  private static List<String> memoryIds(JsonObject answer) {
    return results(answer).stream().map(r -> r.getJsonObject("memory").getString("memory_id")).toList();
  }

  @Test
  void an_exact_keyword_puts_its_memory_first() {
    JsonObject answer = search(query("LaunchDarkly"));

    assertTrue(answer.getBoolean("semantic"));
    assertEquals(ids.get("flags"), first(answer));
    JsonObject top = results(answer).get(0);
    assertEquals(1.0, top.getDouble("keyword_score"));
    assertNotNull(top.getDouble("semantic_score"));
    assertTrue(top.getDouble("score") > 0 && top.getDouble("score") <= 1);
  }

  @Test
  void a_paraphrase_that_shares_no_word_finds_its_memory_by_meaning() {
    JsonObject answer = search(query("the billing vendor kept redelivering because we replied too late"));

    assertEquals(ids.get("webhooks"), first(answer), answer.encodePrettily());
    assertEquals(0.0, results(answer).get(0).getDouble("keyword_score"), "no word in common");
  }

  @Test
  void results_are_best_first_and_scores_stay_between_0_and_1() {
    List<JsonObject> results = results(search(query("database connections").put("limit", 8)));

    assertEquals(8, results.size());
    for (int i = 0; i < results.size(); i++) {
      double score = results.get(i).getDouble("score");
      assertTrue(score >= 0 && score <= 1, "score " + score);
      if (i > 0) {
        assertTrue(score <= results.get(i - 1).getDouble("score"), "best first");
      }
    }
  }

  @Test
  void memory_types_filter() {
    List<JsonObject> results = results(search(query("database").put("memory_types", new JsonArray().add("pattern"))));

    assertEquals(2, results.size());
    results.forEach(r -> assertEquals("pattern", r.getJsonObject("memory").getString("memory_type")));
  }

  @Test
  void tags_filter_needs_every_tag() {
    assertEquals(List.of(ids.get("async")),
        memoryIds(search(query("database").put("tags", new JsonArray().add("database").add("async")))));
  }

  @Test
  void tag_prefixes_filter_needs_any_prefix() {
    List<String> found = memoryIds(search(query("how we run things").put("tag_prefixes", new JsonArray().add("ops:"))));

    assertEquals(2, found.size());
    assertTrue(found.containsAll(List.of(ids.get("flags"), ids.get("logs"))), found.toString());
  }

  @Test
  void source_files_filter_needs_any_file() {
    assertEquals(List.of(ids.get("webhooks")), memoryIds(search(query("what went wrong")
        .put("source_files", new JsonArray().add("services/payments/webhooks.py").add("no/such/file.py")))));
  }

  @Test
  void min_importance_filter() {
    List<JsonObject> results = results(search(query("anything").put("min_importance", 0.75)));

    assertEquals(2, results.size());
    results.forEach(r -> assertTrue(r.getJsonObject("memory").getDouble("importance_score") >= 0.75));
  }

  @Test
  void filters_combine() {
    assertEquals(List.of(ids.get("async")), memoryIds(search(query("database").put("memory_types",
            new JsonArray().add("pattern")).put("tags", new JsonArray().add("database")).put("min_importance", 0.85))));
  }

  @Test
  void use_semantic_false_ranks_by_keywords_only() {
    JsonObject answer = search(query("database").put("use_semantic", false));

    assertFalse(answer.getBoolean("semantic"));
    assertNull(answer.getString("notice"), "nothing went wrong: meaning was not asked for");
    List<JsonObject> results = results(answer);
    assertEquals(2, results.size(), "the memories that contain the word, no others");
    for (JsonObject r : results) {
      assertTrue(r.getDouble("keyword_score") > 0);
      assertNull(r.getValue("semantic_score"));
    }
    assertEquals(0, search(query("the billing vendor kept redelivering because we replied too late").put("use_semantic", false))
        .getInteger("count"), "a paraphrase has no keyword to match");
  }

  @Test
  void use_keyword_false_ranks_by_meaning_only() {
    JsonObject answer = search(query("LaunchDarkly").put("use_keyword", false).put("limit", 3));

    assertTrue(answer.getBoolean("semantic"));
    results(answer).forEach(r -> assertNull(r.getValue("keyword_score")));
  }

  @Test
  void a_memory_without_an_embedding_yet_matches_by_keyword() {
    Api fresh = Api.newWorkspace("unembedded");
    String id = fresh.store("Gradle builds use the configuration cache", "Run every build with "
        + "--configuration-cache; it halves local build times.").getString("memory_id");
    Jobs.awaitSettled(id);
    // as it is between the store and the worker's embedding
    TestService.get().pool().preparedQuery("DELETE FROM memory_embedding WHERE memory_id = $1")
        .execute(Tuple.of(id)).await();

    JsonObject answer = search(fresh, query("gradle configuration cache"));

    assertEquals(List.of(id), memoryIds(answer));
    assertNull(results(answer).get(0).getValue("semantic_score"));
    assertTrue(results(answer).get(0).getDouble("keyword_score") > 0);
  }

  @Test
  void hyphenated_words_match_as_written() {
    Api fresh = Api.newWorkspace("hyphens");
    String id = fresh.store("Replicas are read-only", "Writes go to the primary; connection-pooling is per "
        + "replica.").getString("memory_id");

    for (String q : new String[] {"read-only", "connection-pooling"}) {
      JsonObject answer = search(fresh, query(q).put("use_semantic", false).put("explain", true));
      assertEquals(List.of(id), memoryIds(answer), q);
      assertTrue(results(answer).get(0).getDouble("keyword_score") > 0.9, q + ": " + answer.encode());
    }
  }

  @Test
  void a_word_searched_for_in_vain_finds_the_memory_stored_with_it_right_after() {
    Api fresh = Api.newWorkspace("new-word");
    fresh.store("Something else", "Nothing about it.");
    assertEquals(0, search(fresh, query("zanzibarite").put("use_semantic", false)).getInteger("count"));

    String id = fresh.store("Zanzibarite cache", "The zanzibarite layer caches rendered pages.").getString("memory_id");

    assertEquals(List.of(id), memoryIds(search(fresh, query("zanzibarite").put("use_semantic", false))));
  }

  @Test
  void every_returned_memory_gets_one_retrieval_event() {
    Map<String, Integer> before = retrievalCounts();

    List<String> returned = memoryIds(search(query("redis sessions").put("limit", 3)));

    Map<String, Integer> after = retrievalCounts();
    assertEquals(3, returned.size());
    for (String id : ids.values()) {
      assertEquals(before.get(id) + (returned.contains(id) ? 1 : 0), after.get(id), id);
    }
  }

  private Map<String, Integer> retrievalCounts() {
    Map<String, Integer> out = new HashMap<>();
    api.list("?limit=100").forEach(m -> out.put(((JsonObject) m).getString("memory_id"),
        ((JsonObject) m).getInteger("retrieval_count")));
    return out;
  }

  @Test
  void another_workspace_sees_none_of_these_memories() {
    Api other = Api.newWorkspace("search-other");
    String theirs = other.store("LaunchDarkly is being replaced", "Flags move to our own service.")
        .getString("memory_id");
    Jobs.awaitSettled(theirs);

    List<String> ours = memoryIds(search(query("LaunchDarkly").put("limit", 100)));
    List<String> their = memoryIds(search(other, query("LaunchDarkly").put("limit", 100)));

    assertFalse(ours.contains(theirs));
    assertEquals(List.of(theirs), their);
  }

  @Test
  void explain_shows_the_components_and_weights_that_made_the_score() {
    JsonObject top = results(search(query("JSON logs").put("explain", true))).get(0);

    JsonObject e = top.getJsonObject("explanation");
    JsonObject w = e.getJsonObject("weights");
    assertEquals(0.3, w.getDouble("keyword"));
    assertEquals(0.6, w.getDouble("semantic"));
    assertEquals(0.1, w.getDouble("importance"));
    JsonObject c = e.getJsonObject("contributions");
    assertEquals(top.getDouble("score"), c.getDouble("keyword") + c.getDouble("semantic") + c.getDouble("importance"),
        1e-5);
    assertTrue(e.getJsonObject("keyword").getJsonArray("matched_terms").contains("log"),
        e.getJsonObject("keyword").encode());
    assertNull(results(search(query("JSON logs"))).get(0).getValue("explanation"), "only when asked for");
  }

  @Test
  void related_answers_the_search_result_shape() {
    JsonArray related = api.get("/memories/" + ids.get("async") + "/related?similarity_threshold=0").bodyAsJsonArray();

    assertFalse(related.isEmpty());
    JsonObject r = related.getJsonObject(0);
    assertEquals(r.getDouble("score"), r.getDouble("semantic_score"));
    assertTrue(r.containsKey("keyword_score"));
    assertNull(r.getValue("keyword_score"));
  }

  @Test
  void an_api_node_without_any_worker_falls_back_to_keywords_and_says_so() {
    Vertx apiOnly = Vertx.vertx();   // its own event bus: no worker listens there
    try {
      var pool = TestService.get().pool();
      ApiVerticle verticle = new ApiVerticle(AppConfig.fromJson(new JsonObject()), 0, pool,
          new ApiKeyCache(new WorkspaceRepository(pool), Duration.ZERO), new AccessEvents(apiOnly, pool),
          new Health(pool, "api"), new Metrics());
      apiOnly.deployVerticle(verticle).await();
      WebClient http = WebClient.create(apiOnly, new WebClientOptions().setDefaultPort(verticle.port())
          .setDefaultHost("127.0.0.1"));

      HttpResponse<Buffer> res = http.request(HttpMethod.POST, "/api/v1/memories/search")
          .putHeader("Authorization", "Token " + api.key()).sendJsonObject(query("LaunchDarkly")).await();

      assertEquals(200, res.statusCode(), res.bodyAsString());
      JsonObject answer = res.bodyAsJsonObject();
      assertFalse(answer.getBoolean("semantic"));
      assertTrue(answer.getString("notice").contains("keywords only"), answer.getString("notice"));
      assertEquals(ids.get("flags"), first(answer));
    } finally {
      apiOnly.close().await();
    }
  }

  /**
   * Without a query, a search is the filters' memories, most important first (then newest), as Neuroloom's SDLC
   * hook asks for its sentinel ({"tags": [...], "limit": 1}) and reads the result's tags flat.
   */
  @Test
  void without_a_query_the_filters_memories_come_most_important_first() {
    List<JsonObject> database = results(search(new JsonObject().put("tags", new JsonArray().add("database"))));

    assertEquals(List.of(ids.get("async"), ids.get("pooling")),
        database.stream().map(r -> r.getJsonObject("memory").getString("memory_id")).toList());
    assertEquals(0.9, database.get(0).getDouble("score"), 1e-9);
    assertNull(database.get(0).getValue("keyword_score"));
    assertNull(database.get(0).getValue("semantic_score"));

    JsonObject sentinel = search(new JsonObject().put("tags", new JsonArray().add("ops:config")).put("limit", 1));
    assertEquals(1, sentinel.getInteger("count"));
    assertFalse(sentinel.getBoolean("semantic"));
    JsonObject flat = sentinel.getJsonArray("results").getJsonObject(0);
    assertEquals(new JsonArray().add("flags").add("ops:config"), flat.getJsonArray("tags"));
    assertEquals(ids.get("flags"), flat.getString("memory_id"));
    assertEquals("Feature flags live in LaunchDarkly", flat.getString("title"));
    assertEquals("decision", flat.getString("memory_type"));

    List<JsonObject> everything = results(search(new JsonObject().put("limit", 3)));
    assertEquals(List.of(ids.get("async"), ids.get("pooling"), ids.get("webhooks")),
        everything.stream().map(r -> r.getJsonObject("memory").getString("memory_id")).toList());
    assertEquals(0, search(new JsonObject().put("tags", new JsonArray().add("no-such-tag"))).getInteger("count"));
  }

  @Test
  void each_bound_of_the_body_is_a_422_naming_the_field() {
    assertValidationError(api.post("/memories/search", query("")), List.of("body", "query"), "string_too_short");
    assertValidationError(api.post("/memories/search", query("x".repeat(4001))), List.of("body", "query"),
        "string_too_long");
    assertValidationError(api.post("/memories/search", query("x").put("limit", 0)), List.of("body", "limit"),
        "greater_than_equal");
    assertValidationError(api.post("/memories/search", query("x").put("limit", 101)), List.of("body", "limit"),
        "less_than_equal");
    assertValidationError(api.post("/memories/search", query("x").put("min_importance", 1.5)),
        List.of("body", "min_importance"), "less_than_equal");
    assertValidationError(api.post("/memories/search", query("x").put("memory_types", new JsonArray().add("note"))),
        List.of("body", "memory_types", 0), "enum");
    assertValidationError(api.post("/memories/search", query("x").put("tags", "database")), List.of("body", "tags"),
        "type_error");
    assertValidationError(api.post("/memories/search", query("x").put("tag_prefixes", new JsonArray().add(""))),
        List.of("body", "tag_prefixes", 0), "string_too_short");
    assertValidationError(api.post("/memories/search", query("x").put("use_semantic", "yes")),
        List.of("body", "use_semantic"), "type_error");
    assertValidationError(api.post("/memories/search", query("x").put("workspace_id", "ws-other")),
        List.of("body", "workspace_id"), "extra_forbidden");
    assertValidationError(api.post("/memories/search", query("   ")), List.of("body", "query"),
        "string_pattern_mismatch");
  }

  @Test
  void queries_made_only_of_punctuation_or_stop_words_answer_200() {
    for (String q : new String[] {"the of and", "' & | ! ( ) : *", "\\", "<-> !!", "naïve café ☕"}) {
      HttpResponse<Buffer> res = api.post("/memories/search", query(q).put("use_semantic", false));
      assertEquals(200, res.statusCode(), q + ": " + res.bodyAsString());
    }
  }
}
