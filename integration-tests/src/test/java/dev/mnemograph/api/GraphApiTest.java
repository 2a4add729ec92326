package dev.mnemograph.api;

import dev.mnemograph.api.graph.GraphQuery;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /memories/graph on six unrelated memories of distinct importance with hand-made edges among them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphApiTest {
  private Api api;
  private String workspaceId;
  private final List<String> m = new ArrayList<>();

  @BeforeAll
  void graph() {
    NewApiKey key = TestService.newWorkspace("graph");
    api = new Api(key.key());
    workspaceId = key.workspace().workspaceId();
    for (int i = 0; i < 6; i++) {
      m.add(Topics.store(api, i));
      api.patch("/memories/" + m.get(i), new JsonObject().put("importance_score", 0.9 - i / 10.0));
    }
    Topics.link(api, m.get(0), m.get(1), "depends_on", 0.9, false);
    Topics.link(api, m.get(1), m.get(2), "caused_by", 0.6, false);
    Topics.link(api, m.get(2), m.get(0), "supersedes", 0.3, true);
    Topics.link(api, m.get(3), m.get(4), "depends_on", 0.8, false);
    Topics.link(api, m.get(0), m.get(5), "contradicts", 0.5, false);
    Jobs.awaitSettled(m, Duration.ofSeconds(90));
    GraphRuns.awaitSettled(api);   // PageRank is in place and stays: nothing changes the graph from here on
  }

  private JsonObject graph(String query) {
    HttpResponse<Buffer> res = api.get("/memories/graph" + query);
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private static List<String> nodeIds(JsonObject graph) {
    return graph.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("memory_id")).toList();
  }

  private static List<JsonObject> edges(JsonObject graph) {
    return graph.getJsonArray("edges").stream().map(e -> (JsonObject) e).toList();
  }

  private long storedEdges() {
    return TestService.get().pool().preparedQuery("SELECT count(*) FROM memory_relationship WHERE workspace_id = $1")
        .execute(Tuple.of(workspaceId)).await().iterator().next().getLong(0);
  }

  @Test
  void the_whole_small_graph_is_not_truncated() {
    JsonObject g = graph("");

    assertEquals(Set.copyOf(m), Set.copyOf(nodeIds(g)));
    assertFalse(g.getBoolean("truncated"));
    assertEquals(6, g.getLong("total_nodes"));
    assertEquals(storedEdges(), g.getLong("total_edges"));
    assertEquals(storedEdges(), edges(g).size());
    assertFalse(g.getBoolean("total_nodes_capped"));
    assertFalse(g.getBoolean("total_edges_capped"));
    assertEquals(Set.of("nodes", "edges", "truncated", "total_nodes", "total_nodes_capped", "total_edges",
        "total_edges_capped"), g.fieldNames());
    assertEquals(Set.of("memory_id", "title", "memory_type", "importance_score", "pagerank_score", "community_label"),
        g.getJsonArray("nodes").getJsonObject(0).fieldNames());
  }

  @Test
  void communities_come_with_their_labels_and_sizes_only_when_asked() {
    JsonObject g = graph("?include_communities=true");

    Map<String, Long> drawn = new TreeMap<>();
    g.getJsonArray("nodes").forEach(n -> {
      String label = ((JsonObject) n).getString("community_label");
      if (label != null) {
        drawn.merge(label, 1L, Long::sum);
      }
    });
    List<JsonObject> communities = g.getJsonArray("communities").stream().map(c -> (JsonObject) c).toList();
    assertFalse(communities.isEmpty(), g.encodePrettily());
    Map<String, Long> counted = new TreeMap<>();
    communities.forEach(c -> counted.put(c.getString("label"), c.getLong("size")));
    assertEquals(drawn, counted, "the whole graph is drawn here, so its nodes are every community's members");
    for (int i = 1; i < communities.size(); i++) {
      assertTrue(communities.get(i - 1).getLong("size") >= communities.get(i).getLong("size"), "largest first");
    }
    assertEquals(Set.of("label", "size"), communities.get(0).fieldNames());
    assertFalse(graph("").containsKey("communities"));
    assertFalse(graph("?include_communities=false").containsKey("communities"));
  }

  @Test
  void nodes_come_by_pagerank_then_importance_then_id() {
    List<JsonObject> nodes = graph("").getJsonArray("nodes").stream().map(n -> (JsonObject) n).toList();

    Comparator<JsonObject> rule = Comparator
        .comparing((JsonObject n) -> n.getDouble("pagerank_score"), Comparator.nullsLast(Comparator.reverseOrder()))
        .thenComparing(n -> -n.getDouble("importance_score")).thenComparing(n -> n.getString("memory_id"));
    List<JsonObject> sorted = new ArrayList<>(nodes);
    sorted.sort(rule);
    assertEquals(sorted, nodes);
  }

  @Test
  void max_nodes_keeps_the_most_central_ones_and_the_edges_among_them_and_says_truncated() {
    List<String> all = nodeIds(graph(""));

    JsonObject g = graph("?max_nodes=3");

    assertEquals(all.subList(0, 3), nodeIds(g));
    assertTrue(g.getBoolean("truncated"));
    assertEquals(6, g.getLong("total_nodes"));
    assertEquals(storedEdges(), g.getLong("total_edges"), "the workspace's, not the answer's");
    for (JsonObject e : edges(g)) {
      assertTrue(nodeIds(g).contains(e.getString("source_memory_id")), e.encode());
      assertTrue(nodeIds(g).contains(e.getString("target_memory_id")), e.encode());
    }
    assertFalse(graph("?max_nodes=6").getBoolean("truncated"));
  }

  @Test
  void filters_edges_by_type_as_a_comma_list_and_by_confidence() {
    List<JsonObject> typed = edges(graph("?relationship_types=depends_on,caused_by"));
    List<JsonObject> confident = edges(graph("?min_confidence=0.55"));

    assertEquals(Set.of("depends_on", "caused_by"),
        Set.copyOf(typed.stream().map(e -> e.getString("relationship_type")).toList()));
    assertEquals(3, typed.size());
    assertTrue(confident.stream().allMatch(e -> e.getDouble("confidence") >= 0.55));
    assertTrue(confident.stream().anyMatch(e -> e.getString("relationship_type").equals("caused_by")));
    assertTrue(confident.stream().noneMatch(e -> e.getString("relationship_type").equals("contradicts")));
    assertEquals(1, edges(graph("?relationship_types=supersedes")).size());
    List<Double> order = confident.stream().map(e -> e.getDouble("confidence")).toList();
    List<Double> strongestFirst = new ArrayList<>(order);
    strongestFirst.sort(Comparator.reverseOrder());
    assertEquals(strongestFirst, order);
  }

  @Test
  void bad_parameters_are_422() {
    assertValidationError(api.get("/memories/graph?max_nodes=0"), List.of("query", "max_nodes"), "greater_than_equal");
    assertValidationError(api.get("/memories/graph?max_nodes=5001"), List.of("query", "max_nodes"), "less_than_equal");
    assertValidationError(api.get("/memories/graph?min_confidence=2"), List.of("query", "min_confidence"),
        "less_than_equal");
    assertValidationError(api.get("/memories/graph?relationship_types=likes"),
        List.of("query", "relationship_types", 0), "enum");
    assertEquals(422, api.get("/memories/graph?max_nodes=many").statusCode());
    assertEquals(200, api.get("/memories/graph?max_nodes=5000").statusCode());
  }

  @Test
  void an_empty_workspace_has_an_empty_graph() {
    Api empty = Api.newWorkspace("graph-empty");

    assertEquals(new JsonObject().put("nodes", new JsonArray()).put("edges", new JsonArray()).put("truncated", false)
        .put("total_nodes", 0).put("total_nodes_capped", false).put("total_edges", 0).put("total_edges_capped", false),
        empty.get("/memories/graph").bodyAsJsonObject());
  }

  @Test
  void the_totals_are_exact_up_to_the_cap_and_say_when_the_workspace_has_more() {
    NewApiKey key = TestService.newWorkspace("graph-counts");
    Api big = new Api(key.key());
    String ws = key.workspace().workspaceId();
    int cap = GraphQuery.COUNT_CAP;
    ring(ws, cap);   // cap memories, cap relationships

    JsonObject atCap = big.get("/memories/graph?max_nodes=10").bodyAsJsonObject();
    assertEquals(cap, atCap.getLong("total_nodes"));
    assertFalse(atCap.getBoolean("total_nodes_capped"));
    assertEquals(cap, atCap.getLong("total_edges"));
    assertFalse(atCap.getBoolean("total_edges_capped"));
    assertTrue(atCap.getBoolean("truncated"));

    ring(ws, 2);   // two memories and two relationships more
    JsonObject past = big.get("/memories/graph?max_nodes=10").bodyAsJsonObject();
    assertEquals(cap, past.getLong("total_nodes"));
    assertTrue(past.getBoolean("total_nodes_capped"));
    assertEquals(cap, past.getLong("total_edges"));
    assertTrue(past.getBoolean("total_edges_capped"));
  }

  /** Adds n memories by SQL, related in a ring (n relationships; for n = 2, one each way). */
  private static void ring(String workspaceId, int n) {
    String prefix = "mem-r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "-";
    TestService.get().pool().preparedQuery("""
            INSERT INTO memory (memory_id, workspace_id, title, narrative)
            SELECT $2 || i, $1, 'Ring ' || i, 'A memory of a ring.' FROM generate_series(0, $3 - 1) i""")
        .execute(Tuple.of(workspaceId, prefix, n)).await();
    TestService.get().pool().preparedQuery("""
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method)
            SELECT $1, $2 || i, $2 || ((i + 1) % $3), 'related_to', 'manual' FROM generate_series(0, $3 - 1) i""")
        .execute(Tuple.of(workspaceId, prefix, n)).await();
  }
}
