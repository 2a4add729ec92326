package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.GraphRuns;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import dev.mnemograph.support.Topics;
import dev.mnemograph.workspace.NewApiKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /memories/explore around a hub that only one search hit seeds (seed_limit 1), linked by hand to
 * unrelated memories. Once the workers' graph analysis has settled, the test sets every PageRank to null, so
 * that each step's priority is confidence × 0.5:
 *
 * <pre>
 *   hub -depends_on (0.30 + 0.05·i)-> spoke i, i = 0..11      spoke 11 -depends_on 1.0-> far
 *   hub -contradicts 0.95-> rival                            critic -caused_by 0.9-> hub (points at the hub)
 * </pre>
 *
 * The types asked for are the manual ones, so that what the workers discover (nothing, among these texts)
 * could not change the answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExploreApiTest {
  private static final String QUERY = "zeppelin hangar";
  private static final JsonArray MANUAL = new JsonArray(List.of("depends_on", "contradicts", "caused_by"));

  private Api api;
  private String workspaceId;
  private String hub;
  private final List<String> spokes = new ArrayList<>();
  private String far;
  private String rival;
  private String critic;

  @BeforeAll
  void graph() {
    NewApiKey key = TestService.newWorkspace("explore");
    api = new Api(key.key());
    workspaceId = key.workspace().workspaceId();
    hub = api.store("Zeppelin hangar doors", "The airship shed's sliding doors run on greased rails.")
        .getString("memory_id");
    for (int i = 0; i < 12; i++) {
      spokes.add(Topics.store(api, i));
      Topics.link(api, hub, spokes.get(i), "depends_on", (30 + 5 * i) / 100.0, false);
    }
    far = Topics.store(api, 12);
    Topics.link(api, spokes.get(11), far, "depends_on", 1.0, false);
    rival = Topics.store(api, 13);
    Topics.link(api, hub, rival, "contradicts", 0.95, false);
    critic = Topics.store(api, 14);
    Topics.link(api, critic, hub, "caused_by", 0.9, false);
    List<String> all = new ArrayList<>(List.of(hub, far, rival, critic));
    all.addAll(spokes);
    Jobs.awaitSettled(all, Duration.ofSeconds(90));   // embedded, so the seed search is the same every time
    GraphRuns.awaitSettled(api);   // nothing changes the graph from here on, so no run undoes what follows
    pagerank(workspaceId, null, null);
  }

  /** Sets the PageRank of one memory of the workspace, or of all of them ({@code memoryId} null). */
  private static void pagerank(String workspaceId, String memoryId, Double score) {
    TestService.get().pool().preparedQuery(
            "UPDATE memory SET pagerank_score = $3 WHERE workspace_id = $1 AND ($2::text IS NULL OR memory_id = $2)")
        .execute(Tuple.of(workspaceId, memoryId, score)).await();
  }

  private JsonObject explore(Api who, JsonObject body) {
    HttpResponse<Buffer> res = who.post("/memories/explore", body);
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private JsonObject explore(JsonObject body) {
    return explore(api, body);
  }

  private static JsonObject query() {
    return new JsonObject().put("query", QUERY).put("seed_limit", 1).put("relationship_types", MANUAL);
  }

  private static List<String> nodeIds(JsonObject subgraph) {
    return subgraph.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("memory_id")).toList();
  }

  @Test
  void grows_best_first_from_the_seed_and_stops_at_max_nodes() {
    JsonObject answer = explore(query().put("max_nodes", 5));

    // priorities: rival 0.95·0.5, critic 0.9·0.5, spoke 11 0.85·0.5, spoke 10 0.8·0.5, ...
    assertEquals(List.of(hub, rival, critic, spokes.get(11), spokes.get(10)), nodeIds(answer));
    assertEquals(new JsonArray().add(hub), answer.getJsonArray("seed_memories"));
    JsonObject node = answer.getJsonArray("nodes").getJsonObject(0);
    assertEquals(Set.of("memory_id", "title", "memory_type", "importance_score", "pagerank_score", "community_label"),
        node.fieldNames());
    assertEquals("Zeppelin hangar doors", node.getString("title"));
    assertEquals(Set.of("nodes", "edges", "seed_memories"), answer.fieldNames());
  }

  @Test
  void answers_every_edge_among_the_nodes_and_only_those() {
    JsonObject answer = explore(query().put("max_nodes", 5));

    List<String> nodes = nodeIds(answer);
    JsonArray edges = answer.getJsonArray("edges");
    assertEquals(4, edges.size(), edges.encodePrettily());
    for (Object o : edges) {
      JsonObject e = (JsonObject) o;
      assertTrue(nodes.contains(e.getString("source_memory_id")) && nodes.contains(e.getString("target_memory_id")));
      assertEquals(Set.of("source_memory_id", "target_memory_id", "relationship_type", "confidence"), e.fieldNames());
    }
    assertTrue(edges.contains(new JsonObject().put("source_memory_id", critic).put("target_memory_id", hub)
        .put("relationship_type", "caused_by").put("confidence", 0.9)), "walked against its direction");
  }

  @Test
  void reaches_further_than_one_step_while_the_budget_lasts() {
    JsonObject answer = explore(query().put("max_nodes", 200));

    List<String> nodes = nodeIds(answer);
    assertEquals(16, nodes.size(), "the hub, 12 spokes, far, rival and critic");
    // one round takes all 14 neighbours of the hub (best first); far, a step further, joins in the next
    assertEquals(List.of(hub, rival, critic, spokes.get(11), spokes.get(10)), nodes.subList(0, 5));
    assertEquals(far, nodes.get(15));
  }

  @Test
  void follows_only_the_relationship_types_asked_for() {
    JsonObject answer = explore(query().put("relationship_types", new JsonArray().add("depends_on")));

    List<String> nodes = nodeIds(answer);
    assertEquals(14, nodes.size(), "the hub, its spokes and far: " + nodes);
    assertTrue(!nodes.contains(rival) && !nodes.contains(critic));
    answer.getJsonArray("edges").forEach(e -> assertEquals("depends_on", ((JsonObject) e).getString("relationship_type")));

    List<String> contradicting = nodeIds(explore(query().put("relationship_types", new JsonArray().add("contradicts"))));
    assertEquals(List.of(hub, rival), contradicting);
  }

  @Test
  void follows_only_edges_at_least_as_confident_as_asked() {
    JsonObject answer = explore(query().put("min_edge_confidence", 0.7));

    List<String> nodes = nodeIds(answer);
    assertEquals(Set.of(hub, rival, critic, spokes.get(8), spokes.get(9), spokes.get(10), spokes.get(11), far),
        Set.copyOf(nodes));
    answer.getJsonArray("edges").forEach(e -> assertTrue(((JsonObject) e).getDouble("confidence") >= 0.7, e.toString()));
  }

  @Test
  void a_central_neighbour_comes_before_a_more_confident_one() {
    NewApiKey key = TestService.newWorkspace("explore-pagerank");
    Api ws = new Api(key.key());
    String lens = ws.store("Lighthouse lens polishing", "The Fresnel prisms are wiped with a chamois every dawn.")
        .getString("memory_id");
    String central = Topics.store(ws, 15);
    String confident = Topics.store(ws, 16);
    Topics.link(ws, lens, central, "depends_on", 0.5, false);
    Topics.link(ws, lens, confident, "depends_on", 0.8, false);
    Jobs.awaitSettled(List.of(lens, central, confident), Duration.ofSeconds(90));
    GraphRuns.awaitSettled(ws);
    JsonObject body = new JsonObject().put("query", "lighthouse lens").put("seed_limit", 1).put("max_nodes", 2)
        .put("relationship_types", MANUAL);

    pagerank(key.workspace().workspaceId(), null, null);
    pagerank(key.workspace().workspaceId(), central, 1.0);   // 0.5 × (0.5 + 0.5) = 0.5 beats 0.8 × 0.5 = 0.4
    assertEquals(List.of(lens, central), nodeIds(explore(ws, body)));

    pagerank(key.workspace().workspaceId(), central, 0.4);   // 0.5 × 0.7 = 0.35 no longer does
    assertEquals(List.of(lens, confident), nodeIds(explore(ws, body)));
  }

  @Test
  void seeds_count_toward_max_nodes() {
    JsonObject answer = explore(new JsonObject().put("query", QUERY).put("seed_limit", 5).put("max_nodes", 2));

    assertEquals(2, answer.getJsonArray("nodes").size());
    assertEquals(nodeIds(answer), answer.getJsonArray("seed_memories").getList());
    assertEquals(hub, nodeIds(answer).get(0));
  }

  @Test
  void the_seed_gets_a_retrieval_event_and_the_memories_reached_do_not() {
    int hubBefore = retrievals(hub);
    int spokeBefore = retrievals(spokes.get(5));

    explore(query());

    assertEquals(hubBefore + 1, retrievals(hub));
    assertEquals(spokeBefore, retrievals(spokes.get(5)));
  }

  private int retrievals(String id) {
    return api.get("/memories/" + id).bodyAsJsonObject().getInteger("retrieval_count");
  }

  @Test
  void a_topic_that_matches_nothing_is_an_empty_subgraph() {
    Api empty = Api.newWorkspace("explore-empty");

    assertEquals(new JsonObject().put("nodes", new JsonArray()).put("edges", new JsonArray())
        .put("seed_memories", new JsonArray()), explore(empty, new JsonObject().put("query", QUERY)));
  }

  @Test
  void bad_bodies_are_422_saying_what_is_wrong() {
    assertValidationError(api.post("/memories/explore", new JsonObject()), List.of("body", "query"), "missing");
    assertValidationError(api.post("/memories/explore", new JsonObject().put("query", "   ")),
        List.of("body", "query"), "string_pattern_mismatch");
    assertValidationError(api.post("/memories/explore", query().put("max_nodes", 201)),
        List.of("body", "max_nodes"), "less_than_equal");
    assertValidationError(api.post("/memories/explore", query().put("max_nodes", 0)),
        List.of("body", "max_nodes"), "greater_than_equal");
    assertValidationError(api.post("/memories/explore", query().put("seed_limit", 51)),
        List.of("body", "seed_limit"), "less_than_equal");
    assertValidationError(api.post("/memories/explore", query().put("min_edge_confidence", 1.5)),
        List.of("body", "min_edge_confidence"), "less_than_equal");
    assertValidationError(api.post("/memories/explore", query().put("relationship_types", new JsonArray().add("x"))),
        List.of("body", "relationship_types", 0), "enum");
    assertValidationError(api.post("/memories/explore", query().put("limit", 5)), List.of("body", "limit"),
        "extra_forbidden");
    assertEquals(200, api.post("/memories/explore", query().put("max_nodes", 200).put("seed_limit", 50)).statusCode());
  }
}
