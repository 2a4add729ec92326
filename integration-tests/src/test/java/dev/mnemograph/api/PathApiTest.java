package dev.mnemograph.api;

import dev.mnemograph.api.graph.GraphRepository;
import dev.mnemograph.support.Api;
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

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * POST /memories/path on a hand-made graph of unrelated memories (so that the workers link none of them):
 *
 * <pre>
 *   m0 -depends_on-> m1 -caused_by-> m2 -supersedes-> m3 -depends_on-> m4 -> m5 -> m6 -> m12 (all depends_on)
 *   m0 -references 0.3-> m7 -references 0.9-> m3          (a second way to m3, as long as the first)
 *   m8 <-related_to, bidirectional- m9                    (stored m9 -> m8)
 *   m10 -contradicts 0.4-> m11,  m10 -depends_on 0.8-> m11 (parallel edges)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathApiTest {
  private static final JsonObject NONE = new JsonObject().put("path", new JsonArray()).put("edges", new JsonArray())
      .put("depth", 0);

  private Api api;
  private final List<String> m = new ArrayList<>();

  @BeforeAll
  void graph() {
    api = Api.newWorkspace("path");
    for (int i = 0; i < 13; i++) {
      m.add(Topics.store(api, i));
    }
    Topics.link(api, m.get(0), m.get(1), "depends_on", 0.9, false);
    Topics.link(api, m.get(1), m.get(2), "caused_by", 0.8, false);
    Topics.link(api, m.get(2), m.get(3), "supersedes", 0.7, false);
    Topics.link(api, m.get(3), m.get(4), "depends_on", 1.0, false);
    Topics.link(api, m.get(4), m.get(5), "depends_on", 1.0, false);
    Topics.link(api, m.get(5), m.get(6), "depends_on", 1.0, false);
    Topics.link(api, m.get(6), m.get(12), "depends_on", 1.0, false);
    Topics.link(api, m.get(0), m.get(7), "references", 0.3, false);
    Topics.link(api, m.get(7), m.get(3), "references", 0.9, false);
    Topics.link(api, m.get(9), m.get(8), "related_to", 0.6, true);
    Topics.link(api, m.get(10), m.get(11), "contradicts", 0.4, false);
    Topics.link(api, m.get(10), m.get(11), "depends_on", 0.8, false);
    // the workers' links (there should be none among these texts) are in place before any test looks
    Jobs.awaitSettled(m, Duration.ofSeconds(90));
  }

  private JsonObject path(JsonObject body) {
    HttpResponse<Buffer> res = api.post("/memories/path", body);
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private JsonObject path(int from, int to) {
    return new JsonObject().put("source_memory_id", m.get(from)).put("target_memory_id", m.get(to));
  }

  private static JsonArray types(String... types) {
    return new JsonArray(List.of(types));
  }

  private static JsonObject edge(String source, String target, String type, double confidence) {
    return new JsonObject().put("source_memory_id", source).put("target_memory_id", target)
        .put("relationship_type", type).put("confidence", confidence);
  }

  @Test
  void finds_the_shortest_path_with_its_depth_and_edges() {
    JsonObject answer = path(path(0, 4));

    assertEquals(new JsonArray(List.of(m.get(0), m.get(7), m.get(3), m.get(4))), answer.getJsonArray("path"),
        "through m7 (3 steps) rather than m1, m2 (4 steps)");
    assertEquals(3, answer.getInteger("depth"));
    assertEquals(new JsonArray().add(edge(m.get(0), m.get(7), "references", 0.3))
        .add(edge(m.get(7), m.get(3), "references", 0.9)).add(edge(m.get(3), m.get(4), "depends_on", 1.0)),
        answer.getJsonArray("edges"));
    assertEquals(3, answer.size(), "exactly path, edges and depth: " + answer.encode());
  }

  @Test
  void a_type_filter_can_leave_only_the_longer_way() {
    JsonObject answer = path(path(0, 3));
    assertEquals(new JsonArray(List.of(m.get(0), m.get(7), m.get(3))), answer.getJsonArray("path"));

    JsonObject without = path(path(0, 3).put("relationship_types", types("depends_on", "caused_by", "supersedes")));
    assertEquals(new JsonArray(List.of(m.get(0), m.get(1), m.get(2), m.get(3))), without.getJsonArray("path"));
    assertEquals(3, without.getInteger("depth"));
  }

  @Test
  void no_path_within_max_depth_is_the_empty_answer() {
    assertEquals(NONE, path(path(0, 12)), "6 steps: beyond the default max_depth of 5");
    assertEquals(6, path(path(0, 12).put("max_depth", 6)).getInteger("depth"), "m0, m7, m3, m4, m5, m6, m12");
    assertEquals(5, path(path(0, 6)).getInteger("depth"));
    assertEquals(NONE, path(path(0, 4).put("max_depth", 2)));
  }

  @Test
  void a_type_filter_blocks_a_path() {
    assertEquals(NONE, path(path(0, 3).put("relationship_types", types("depends_on", "caused_by"))));
    assertEquals(NONE, path(path(0, 1).put("relationship_types", types("similar_to"))));
    assertEquals(1, path(path(0, 1).put("relationship_types", types("depends_on"))).getInteger("depth"));
  }

  @Test
  void a_directed_edge_is_not_walked_backwards() {
    assertEquals(NONE, path(path(4, 0)));
    assertEquals(NONE, path(path(1, 0)));
  }

  @Test
  void a_bidirectional_edge_is_walked_both_ways_and_shown_as_stored() {
    JsonObject stored = edge(m.get(9), m.get(8), "related_to", 0.6);

    JsonObject along = path(path(9, 8));
    JsonObject against = path(path(8, 9));

    assertEquals(new JsonArray().add(stored), along.getJsonArray("edges"));
    assertEquals(new JsonArray(List.of(m.get(8), m.get(9))), against.getJsonArray("path"));
    assertEquals(new JsonArray().add(stored), against.getJsonArray("edges"));
  }

  @Test
  void of_parallel_edges_the_most_confident_is_shown() {
    assertEquals(new JsonArray().add(edge(m.get(10), m.get(11), "depends_on", 0.8)),
        path(path(10, 11)).getJsonArray("edges"));
    assertEquals(new JsonArray().add(edge(m.get(10), m.get(11), "contradicts", 0.4)),
        path(path(10, 11).put("relationship_types", types("contradicts"))).getJsonArray("edges"));
  }

  @Test
  void a_memory_to_itself_is_a_path_of_one() {
    assertEquals(new JsonObject().put("path", new JsonArray().add(m.get(5))).put("edges", new JsonArray())
        .put("depth", 0), path(path(5, 5)));
  }

  @Test
  void a_hub_past_the_bound_is_read_in_part_and_the_answer_says_truncated() {
    NewApiKey key = TestService.newWorkspace("path-hub");
    Api hubs = new Api(key.key());
    String hub = hubs.store("Hub", "Linked to more memories than a search reads.").getString("memory_id");
    int leaves = GraphRepository.PATH_EDGES_PER_MEMORY + 1;
    // rows by SQL: no jobs, so nothing is discovered among them
    TestService.get().pool().preparedQuery("""
            WITH leaf AS (
              INSERT INTO memory (memory_id, workspace_id, title, narrative)
              SELECT 'mem-' || substr($1, 4) || '-' || i, $1, 'leaf ' || i, 'n' FROM generate_series(1, $3) i
              RETURNING memory_id)
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method, confidence)
            SELECT $1, $2, memory_id, 'depends_on', 'manual', 0.5 FROM leaf""")
        .execute(Tuple.of(key.workspace().workspaceId(), hub, leaves)).await();

    String leaf = "mem-" + key.workspace().workspaceId().substring(3) + "-1";

    JsonObject answer = hubs.post("/memories/path", new JsonObject().put("source_memory_id", hub)
        .put("target_memory_id", leaf)).bodyAsJsonObject();
    JsonObject back = hubs.post("/memories/path", new JsonObject().put("source_memory_id", leaf)
        .put("target_memory_id", hub)).bodyAsJsonObject();

    assertEquals(1, answer.getInteger("depth"), answer.encode());
    assertEquals(true, answer.getBoolean("truncated"), "the hub's edges were read in part: " + answer.encode());
    assertEquals(NONE, back, "from the leaf's side nothing is cut, and the edge leads only away from the hub");
  }

  @Test
  void a_missing_source_or_target_is_a_404_naming_it() {
    HttpResponse<Buffer> source = api.post("/memories/path", new JsonObject().put("source_memory_id", "mem-nobody")
        .put("target_memory_id", m.get(0)));
    HttpResponse<Buffer> target = api.post("/memories/path", new JsonObject().put("source_memory_id", m.get(0))
        .put("target_memory_id", "mem-nobody"));

    assertEquals(404, source.statusCode());
    assertEquals("Memory 'mem-nobody' not found.", source.bodyAsJsonObject().getString("detail"));
    assertEquals(404, target.statusCode());
    assertEquals("Memory 'mem-nobody' not found.", target.bodyAsJsonObject().getString("detail"));
    assertEquals(404, api.post("/memories/path", new JsonObject().put("source_memory_id", "mem-nobody")
        .put("target_memory_id", "mem-nobody")).statusCode());
  }

  @Test
  void bad_bodies_are_422_saying_what_is_wrong() {
    assertValidationError(api.post("/memories/path", new JsonObject().put("source_memory_id", m.get(0))),
        List.of("body", "target_memory_id"), "missing");
    assertValidationError(api.post("/memories/path", path(0, 1).put("max_depth", 0)),
        List.of("body", "max_depth"), "greater_than_equal");
    assertValidationError(api.post("/memories/path", path(0, 1).put("max_depth", 11)),
        List.of("body", "max_depth"), "less_than_equal");
    assertValidationError(api.post("/memories/path", path(0, 1).put("max_depth", "five")),
        List.of("body", "max_depth"), "type_error");
    assertValidationError(api.post("/memories/path", path(0, 1).put("relationship_types", types("likes"))),
        List.of("body", "relationship_types", 0), "enum");
    assertValidationError(api.post("/memories/path", path(0, 1).put("min_confidence", 0.5)),
        List.of("body", "min_confidence"), "extra_forbidden");
    assertValidationError(api.post("/memories/path", path(0, 1).put("source_memory_id", "x".repeat(65))),
        List.of("body", "source_memory_id"), "string_too_long");
    assertEquals(200, api.post("/memories/path", path(0, 1).put("max_depth", 10)).statusCode());
    assertEquals(200, api.post("/memories/path", path(0, 1).put("relationship_types", new JsonArray())).statusCode());
  }
}
