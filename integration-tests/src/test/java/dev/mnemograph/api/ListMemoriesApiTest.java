package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListMemoriesApiTest {
  private static final int COUNT = 23;
  private Api api;
  private final List<JsonObject> stored = new ArrayList<>();

  @BeforeAll
  void memories() {
    api = Api.newWorkspace("list");
    String[] types = {"pattern", "decision", "incident"};
    for (int i = 0; i < COUNT; i++) {
      stored.add(api.store(new JsonObject().put("title", "memory " + i).put("narrative", "n" + i)
          .put("memory_type", types[i % 3]).put("importance_score", (i % 5) / 5.0)));
    }
    for (int i = 0; i < 4; i++) {
      for (int a = 0; a <= i; a++) {
        api.post("/memories/" + stored.get(i).getString("memory_id") + "/access");
      }
      api.post("/memories/" + stored.get(i + 10).getString("memory_id") + "/retrieval");
    }
  }

  private static List<String> ids(JsonArray memories) {
    List<String> out = new ArrayList<>();
    memories.forEach(m -> out.add(((JsonObject) m).getString("memory_id")));
    return out;
  }

  @Test
  void default_order_is_importance_descending_then_newest_first() {
    JsonArray all = api.list("");

    assertEquals(COUNT, all.size());
    List<JsonObject> expected = new ArrayList<>(stored);
    expected.sort(Comparator.<JsonObject>comparingDouble(m -> -m.getDouble("importance_score"))
        .thenComparing(m -> m.getString("created_at"), Comparator.reverseOrder()));
    assertEquals(ids(new JsonArray(expected)), ids(all));
  }

  @Test
  void the_reference_example_query_filters_by_type_and_limits() {
    JsonArray patterns = api.list("?memory_type=pattern&limit=5&ordering=-importance_score");

    assertEquals(5, patterns.size());
    patterns.forEach(m -> assertEquals("pattern", ((JsonObject) m).getString("memory_type")));
    double previous = 1;
    for (Object m : patterns) {
      double score = ((JsonObject) m).getDouble("importance_score");
      assertTrue(score <= previous);
      previous = score;
    }
  }

  @Test
  void pages_cover_every_memory_exactly_once() {
    for (String ordering : List.of("-importance_score", "importance_score", "created_at", "-created_at",
        "access_count", "-access_count", "retrieval_count", "-retrieval_count")) {
      List<String> seen = new ArrayList<>();
      for (int offset = 0; offset < COUNT + 5; offset += 5) {
        seen.addAll(ids(api.list("?limit=5&offset=" + offset + "&ordering=" + ordering)));
      }
      Set<String> unique = new HashSet<>(seen);
      assertEquals(COUNT, seen.size(), ordering);
      assertEquals(COUNT, unique.size(), ordering);
      assertEquals(ids(api.list("?limit=500&ordering=" + ordering)), seen, ordering);
    }
  }

  @Test
  void orders_by_each_supported_field() {
    assertEquals(ids(new JsonArray(stored)), ids(api.list("?ordering=created_at")));
    JsonArray byAccess = api.list("?ordering=-access_count&limit=4");
    assertEquals(List.of(4, 3, 2, 1), byAccess.stream().map(m -> ((JsonObject) m).getInteger("access_count")).toList());
    JsonArray byRetrieval = api.list("?ordering=-retrieval_count&limit=5");
    assertEquals(List.of(1, 1, 1, 1, 0),
        byRetrieval.stream().map(m -> ((JsonObject) m).getInteger("retrieval_count")).toList());
  }

  @Test
  void an_offset_past_the_end_is_an_empty_page() {
    assertEquals(0, api.list("?offset=1000").size());
  }

  @Test
  void rejects_limits_outside_1_to_500_and_negative_offsets() {
    assertValidationError(api.get("/memories/?limit=0"), List.of("query", "limit"), "greater_than_equal");
    assertValidationError(api.get("/memories/?limit=501"), List.of("query", "limit"), "less_than_equal");
    assertValidationError(api.get("/memories/?offset=-1"), List.of("query", "offset"), "greater_than_equal");
    assertValidationError(api.get("/memories/?limit=ten"), List.of("query", "limit"), "type_error");
    assertEquals(200, api.get("/memories/?limit=500").statusCode());
    assertEquals(200, api.get("/memories/?limit=1").statusCode());
  }

  @Test
  void rejects_an_unsupported_ordering_or_type() {
    assertValidationError(api.get("/memories/?ordering=title"), List.of("query", "ordering"), "enum");
    assertValidationError(api.get("/memories/?memory_type=gossip"), List.of("query", "memory_type"), "enum");
  }

  @Test
  void a_query_string_that_cannot_be_decoded_is_a_422_not_a_500() {
    for (String query : List.of("memory_type=%", "limit=%2", "ordering=a%zzb")) {
      assertValidationError(api.get("/memories/?" + query), List.of("query"), "value_error");
    }
  }

  /**
   * vertx-openapi 5.0.7 decodes query values a second time: {@code %25} was a 500 on every operation with
   * query parameters, and {@code %252D} a dash. Each value is decoded once, and a bad one is a 422 naming it.
   */
  @Test
  void a_percent_sign_in_any_query_parameter_is_the_literal_value_never_a_500() {
    String id = stored.get(0).getString("memory_id");
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    parameters.put("/memories/", List.of("memory_type", "limit", "offset", "ordering", "pruning_candidates",
        "min_importance"));
    parameters.put("/memories/index", List.of("memory_type", "limit", "offset"));
    parameters.put("/memories/timeline", List.of("days", "memory_type", "limit", "offset"));
    parameters.put("/memories/graph", List.of("max_nodes", "min_confidence", "relationship_types",
        "include_communities"));
    parameters.put("/memories/" + id, List.of("include_related"));
    parameters.put("/memories/" + id + "/related", List.of("limit", "similarity_threshold"));
    for (var operation : parameters.entrySet()) {
      for (String parameter : operation.getValue()) {
        for (String value : List.of("100%25", "%25", "%2525", "a%25b")) {
          HttpResponse<Buffer> res = api.get(operation.getKey() + "?" + parameter + "=" + value);
          String what = operation.getKey() + "?" + parameter + "=" + value + ": " + res.bodyAsString();
          assertEquals(422, res.statusCode(), what);
          List<?> loc = res.bodyAsJsonObject().getJsonArray("detail").getJsonObject(0).getJsonArray("loc").getList();
          assertEquals(List.of("query", parameter), loc.subList(0, Math.min(2, loc.size())), what);
        }
      }
    }
    HttpResponse<Buffer> res = api.get("/memories/?memory_type=100%25");
    assertValidationError(res, List.of("query", "memory_type"), "enum");
    assertValidationError(api.get("/memories/?ordering=%252Dimportance_score"), List.of("query", "ordering"), "enum");
    assertEquals(200, api.get("/memories/?ordering=%2Dimportance_score").statusCode());
    assertEquals(200, api.get("/memories/graph?relationship_types=references%2Cdepends_on").statusCode());
  }

  @Test
  void filters_by_tags_all_of_them_and_by_the_lowest_importance() {
    Api tagged = Api.newWorkspace("list-tags");
    String both = tagged.store(new JsonObject().put("title", "both").put("narrative", "db and auth")
        .put("tags", new JsonArray().add("db").add("auth")).put("importance_score", 0.8)).getString("memory_id");
    String db = tagged.store(new JsonObject().put("title", "db").put("narrative", "db only")
        .put("tags", new JsonArray().add("db")).put("importance_score", 0.4)).getString("memory_id");
    String none = tagged.store(new JsonObject().put("title", "none").put("narrative", "no tags")
        .put("importance_score", 0.9)).getString("memory_id");

    assertEquals(List.of(both, db), ids(tagged.list("?tags=db")));
    assertEquals(List.of(both), ids(tagged.list("?tags=db,auth")));
    assertEquals(List.of(both), ids(tagged.list("?tags=auth%2Cdb")));
    assertEquals(List.of(), ids(tagged.list("?tags=db,billing")));
    assertEquals(List.of(none, both), ids(tagged.list("?min_importance=0.5")));
    assertEquals(List.of(both), ids(tagged.list("?tags=db&min_importance=0.5")));
    assertEquals(List.of(none, both, db), ids(tagged.list("?min_importance=0")));
    assertValidationError(tagged.get("/memories/?min_importance=1.5"), List.of("query", "min_importance"),
        "less_than_equal");
  }

  @Test
  void pruning_candidates_are_old_unimportant_and_unvisited() {
    Api ws = Api.newWorkspace("prune");
    String candidate = ws.store(new JsonObject().put("title", "stale").put("narrative", "n")
        .put("importance_score", 0.1)).getString("memory_id");
    String important = ws.store(new JsonObject().put("title", "old but important").put("narrative", "n")
        .put("importance_score", 0.8)).getString("memory_id");
    String visited = ws.store(new JsonObject().put("title", "old, unimportant, read lately").put("narrative", "n")
        .put("importance_score", 0.1)).getString("memory_id");
    String fresh = ws.store(new JsonObject().put("title", "new and unimportant").put("narrative", "n")
        .put("importance_score", 0.1)).getString("memory_id");
    TestService.get().pool()
        .preparedQuery("UPDATE memory SET created_at = now() - interval '200 days' WHERE memory_id = ANY($1)")
        .execute(Tuple.of(new String[] {candidate, important, visited})).await();
    TestService.get().pool()
        .preparedQuery("UPDATE memory SET last_accessed_at = now() - interval '3 days' WHERE memory_id = $1")
        .execute(Tuple.of(visited)).await();

    assertEquals(List.of(candidate), ids(ws.list("?pruning_candidates=true")));
    assertEquals(4, ws.list("?pruning_candidates=false").size());
    assertTrue(ids(ws.list("")).contains(fresh));
  }

  /** Every filter at once, each combination being its own statement. */
  @Test
  void all_filters_combine() {
    Api ws = Api.newWorkspace("all-filters");
    String match = ws.store(new JsonObject().put("title", "stale db note").put("narrative", "n").put("memory_type", "pattern")
        .put("tags", new JsonArray().add("db")).put("importance_score", 0.2)).getString("memory_id");
    String otherType = ws.store(new JsonObject().put("title", "stale db decision").put("narrative", "n")
        .put("tags", new JsonArray().add("db")).put("importance_score", 0.2)).getString("memory_id");
    String untagged = ws.store(new JsonObject().put("title", "stale note").put("narrative", "n")
        .put("memory_type", "pattern").put("importance_score", 0.2)).getString("memory_id");
    for (String id : List.of(match, otherType, untagged)) {
      backdate(id, 200, null);
    }

    assertEquals(List.of(match), ids(ws.list(
        "?memory_type=pattern&tags=db&min_importance=0.1&pruning_candidates=true&ordering=-access_count&limit=5&offset=0")));
    assertEquals(List.of(), ids(ws.list("?memory_type=pattern&tags=db&min_importance=0.1&pruning_candidates=true&offset=1")));
    assertEquals(List.of(), ids(ws.list("?memory_type=pattern&tags=db&min_importance=0.25")));
  }

  /** Each memory but the candidate fails exactly one of the three rules, which alone keeps it out. */
  @Test
  void each_pruning_rule_alone_keeps_a_memory_out() {
    Api ws = Api.newWorkspace("prune-rules");
    String candidate = lowly(ws, "old, unimportant and unvisited", 0.29);
    String important = lowly(ws, "importance 0.3 is not below 0.3", 0.3);
    String young = lowly(ws, "created inside the retention period", 0.1);
    String visited = lowly(ws, "opened 10 days ago", 0.1);
    backdate(candidate, 200, null);
    backdate(important, 200, null);
    backdate(young, 60, 120);   // its last access (as the database holds it) is old: only its age keeps it
    backdate(visited, 200, 10);

    assertEquals(List.of(candidate), ids(ws.list("?pruning_candidates=true")));

    backdate(young, 91, 120);   // just past the retention period of 90 days (the default)
    backdate(visited, 200, 91);
    assertEquals(Set.of(candidate, young, visited), Set.copyOf(ids(ws.list("?pruning_candidates=true"))));
  }

  private static String lowly(Api ws, String title, double importance) {
    return ws.store(new JsonObject().put("title", title).put("narrative", "n").put("importance_score", importance))
        .getString("memory_id");
  }

  /** Sets created_at and last_accessed_at (null: never) to so many days ago, as the real database holds them. */
  private static void backdate(String memoryId, int createdDaysAgo, Integer accessedDaysAgo) {
    TestService.get().pool().preparedQuery("""
            UPDATE memory SET created_at = now() - make_interval(days => $2),
                              last_accessed_at = now() - make_interval(days => $3)
            WHERE memory_id = $1""")
        .execute(Tuple.of(memoryId, createdDaysAgo, accessedDaysAgo)).await();
  }
}
