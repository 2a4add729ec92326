package dev.mnemograph.pipeline;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store memories, let the real workers embed and link them, and read the graph back through the API. */
class RelationshipDiscoveryTest {

  static final List<String[]> POOLING = List.of(
      new String[] {"Use a connection pool for PostgreSQL",
          "Every service talks to PostgreSQL through a bounded connection pool; opening a new database "
              + "connection per request exhausted the server's connection limit under load."},
      new String[] {"Size the database connection pool to the cores",
          "The PostgreSQL connection pool is sized to about twice the database server's CPU cores; a larger "
              + "pool only queued more connections inside the database."},
      new String[] {"Pool exhaustion caused request timeouts",
          "Requests timed out because the database connection pool was exhausted: connections leaked when a "
              + "transaction was not closed, so the pool had no free connection to hand out."});

  static final String[] OFF_TOPIC = {"Team lunch is on Fridays",
      "The team has lunch together every Friday at the Italian restaurant near the station; vegetarian "
          + "options are available and the bill is split evenly."};

  private static JsonObject memory(String[] text) {
    return new JsonObject().put("title", text[0]).put("narrative", text[1]);
  }

  /** Stores the memories and waits until the workers have embedded and linked them all. */
  private static List<String> storeSettled(Api api, String[]... texts) {
    List<String> ids = java.util.Arrays.stream(texts).map(t -> api.store(memory(t)).getString("memory_id")).toList();
    Jobs.awaitSettled(ids, java.time.Duration.ofSeconds(60));
    return ids;
  }

  private static Set<String> targets(JsonObject detail, String field, String type) {
    Set<String> out = new HashSet<>();
    for (Object o : detail.getJsonArray(field)) {
      JsonObject edge = (JsonObject) o;
      if (type.equals(edge.getString("relationship_type"))) {
        out.add("outgoing_relationships".equals(field) ? edge.getString("target_memory_id")
            : edge.getString("source_memory_id"));
      }
    }
    return out;
  }

  @Test
  void memories_on_one_topic_become_similar_to_each_other_and_an_off_topic_one_does_not() {
    Api api = Api.newWorkspace("similar");
    List<String> ids = storeSettled(api, POOLING.get(0), POOLING.get(1), POOLING.get(2), OFF_TOPIC);
    String a = ids.get(0);
    String b = ids.get(1);
    String c = ids.get(2);
    String lunch = ids.get(3);

    for (String id : List.of(a, b, c)) {
      JsonObject detail = api.get("/memories/" + id).bodyAsJsonObject();
      Set<String> others = new HashSet<>(List.of(a, b, c));
      others.remove(id);
      assertEquals(others, targets(detail, "outgoing_relationships", "similar_to"), detail.encodePrettily());
      assertEquals(others, targets(detail, "incoming_relationships", "similar_to"));
      for (Object o : detail.getJsonArray("outgoing_relationships")) {
        JsonObject edge = (JsonObject) o;
        assertEquals("embedding_similarity", edge.getString("discovery_method"));
        assertTrue(edge.getDouble("confidence") >= 0.65 && edge.getDouble("confidence") <= 1.0);
      }
    }
    JsonObject offTopic = api.get("/memories/" + lunch).bodyAsJsonObject();
    assertEquals(new JsonArray(), offTopic.getJsonArray("outgoing_relationships"));
    assertEquals(new JsonArray(), offTopic.getJsonArray("incoming_relationships"));
  }

  @Test
  void related_answers_similar_memories_best_first_above_the_threshold() {
    Api api = Api.newWorkspace("related");
    List<String> ids = storeSettled(api, POOLING.get(0), POOLING.get(1), POOLING.get(2), OFF_TOPIC);
    String a = ids.get(0);
    String b = ids.get(1);
    String c = ids.get(2);
    String lunch = ids.get(3);

    JsonArray byDefault = api.get("/memories/" + a + "/related").bodyAsJsonArray();
    JsonArray related = api.get("/memories/" + a + "/related?similarity_threshold=0.6").bodyAsJsonArray();

    assertEquals(List.of(b), ids(byDefault), "the default threshold 0.75 keeps only the closest paraphrase");
    assertEquals(List.of(b, c), ids(related), "best first");
    assertTrue(related.getJsonObject(0).getDouble("score") > related.getJsonObject(1).getDouble("score"));
    assertTrue(related.getJsonObject(1).getDouble("score") >= 0.6);
    assertEquals(List.copyOf(api.get("/memories/" + b).bodyAsJsonObject().fieldNames()).subList(0, 21),
        List.copyOf(related.getJsonObject(0).getJsonObject("memory").fieldNames()), "a full memory object");

    JsonArray everything = api.get("/memories/" + a + "/related?similarity_threshold=0&limit=50").bodyAsJsonArray();
    assertEquals(3, everything.size(), "all others, the off-topic one last");
    assertEquals(lunch, everything.getJsonObject(2).getJsonObject("memory").getString("memory_id"));
    assertEquals(1, api.get("/memories/" + a + "/related?similarity_threshold=0&limit=1").bodyAsJsonArray().size());

    JsonObject detail = api.get("/memories/" + a + "?include_related=true").bodyAsJsonObject();
    assertEquals(2, detail.getJsonArray("related_memories").size());
  }

  @Test
  void related_is_empty_while_the_memory_has_no_embedding_and_validates_its_parameters() {
    Api api = Api.newWorkspace("related-empty");
    String a = api.store(memory(POOLING.get(0))).getString("memory_id");
    String b = api.store(memory(POOLING.get(1))).getString("memory_id");
    Jobs.awaitSettled(a, b);
    TestService.get().pool().preparedQuery("DELETE FROM memory_embedding WHERE memory_id = $1")
        .execute(Tuple.of(a)).await();

    assertEquals(new JsonArray(), api.get("/memories/" + a + "/related").bodyAsJsonArray());
    assertEquals(404, api.get("/memories/mem-notexist/related").statusCode());
    assertEquals(422, api.get("/memories/" + a + "/related?limit=0").statusCode());
    assertEquals(422, api.get("/memories/" + a + "/related?limit=51").statusCode());
    assertEquals(422, api.get("/memories/" + a + "/related?similarity_threshold=1.5").statusCode());
  }

  @Test
  void shared_files_make_references_and_shared_concepts_make_related_to() {
    Api api = Api.newWorkspace("overlap");
    String older = api.store(new JsonObject().put("title", "Retry policy for the payment client")
        .put("narrative", "The payment client retries idempotent calls three times with jitter.")
        .put("source_files", new JsonArray(List.of("payments/client.py", "payments/retry.py")))
        .put("concepts", new JsonArray(List.of("resilience")))).getString("memory_id");
    String newer = api.store(new JsonObject().put("title", "Deploy checklist")
        .put("narrative", "Tag the release, run the migrations, then roll the pods one by one.")
        .put("source_files", new JsonArray(List.of("payments/client.py")))
        .put("concepts", new JsonArray(List.of("resilience", "operations")))).getString("memory_id");
    String unrelated = api.store(new JsonObject().put("title", "Logo colours").put("narrative", "Blue and white.")
        .put("source_files", new JsonArray(List.of("web/logo.svg")))).getString("memory_id");
    Jobs.awaitSettled(older, newer, unrelated);

    JsonObject detail = api.get("/memories/" + newer).bodyAsJsonObject();

    JsonObject references = edge(detail.getJsonArray("outgoing_relationships"), "references");
    assertEquals(older, references.getString("target_memory_id"));
    assertEquals("file_overlap", references.getString("discovery_method"));
    assertEquals(0.5, references.getDouble("confidence"), 1e-9, "1 shared of 2 distinct files");
    JsonObject related = edge(detail.getJsonArray("outgoing_relationships"), "related_to");
    assertEquals(older, related.getString("target_memory_id"));
    assertEquals("concept_overlap", related.getString("discovery_method"));
    assertEquals(0.5, related.getDouble("confidence"), 1e-9);
    assertTrue(references.getBoolean("is_bidirectional"));
    assertEquals(Set.of(newer), targets(api.get("/memories/" + older).bodyAsJsonObject(), "outgoing_relationships",
        "references"), "each chose the other: an edge each way");
    assertEquals(new JsonArray(), api.get("/memories/" + unrelated).bodyAsJsonObject()
        .getJsonArray("incoming_relationships"));
  }

  private static JsonObject edge(JsonArray edges, String type) {
    return edges.stream().map(o -> (JsonObject) o).filter(e -> type.equals(e.getString("relationship_type")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type + " edge in " + edges.encodePrettily()));
  }

  @Test
  void an_edit_re_embeds_and_re_links_the_memory() {
    Api api = Api.newWorkspace("edit");
    String a = api.store(memory(POOLING.get(0))).getString("memory_id");
    String b = api.store(memory(POOLING.get(1))).getString("memory_id");
    Jobs.awaitSettled(a, b);
    String before = embedding(b);
    assertEquals(Set.of(a), targets(api.get("/memories/" + b).bodyAsJsonObject(), "outgoing_relationships",
        "similar_to"));

    api.patch("/memories/" + b, memory(OFF_TOPIC));
    Jobs.awaitSettled(a, b);

    assertNotEquals(before, embedding(b));
    assertEquals(Set.of(), targets(api.get("/memories/" + b).bodyAsJsonObject(), "outgoing_relationships",
        "similar_to"));
    assertEquals(Set.of(), targets(api.get("/memories/" + a).bodyAsJsonObject(), "incoming_relationships",
        "similar_to"));

    api.patch("/memories/" + b, memory(POOLING.get(1)));
    Jobs.awaitSettled(a, b);
    assertEquals(before, embedding(b), "the same text embeds to the same vector");
    assertEquals(Set.of(a), targets(api.get("/memories/" + b).bodyAsJsonObject(), "outgoing_relationships",
        "similar_to"));
  }

  @Test
  void re_discovery_keeps_manual_edges_and_a_delete_removes_every_edge_of_the_memory() {
    Api api = Api.newWorkspace("delete");
    String a = api.store(memory(POOLING.get(0))).getString("memory_id");
    String b = api.store(memory(POOLING.get(1))).getString("memory_id");
    String lunch = api.store(memory(OFF_TOPIC)).getString("memory_id");
    Jobs.awaitSettled(a, b, lunch);
    assertEquals(201, api.post("/memories/" + lunch + "/relationships", new JsonObject()
        .put("target_memory_id", a).put("relationship_type", "contradicts")).statusCode());

    api.patch("/memories/" + lunch, new JsonObject().put("narrative", "Lunch moved to Thursdays."));
    Jobs.awaitSettled(a, b, lunch);
    assertEquals(Set.of(lunch), targets(api.get("/memories/" + a).bodyAsJsonObject(), "incoming_relationships",
        "contradicts"), "the manual edge survives re-discovery");

    assertEquals(204, api.delete("/memories/" + a).statusCode());

    long left = TestService.get().pool().preparedQuery("""
            SELECT count(*) FROM memory_relationship WHERE source_memory_id = $1 OR target_memory_id = $1""")
        .execute(Tuple.of(a)).await().iterator().next().getLong(0);
    assertEquals(0, left);
    JsonObject remaining = api.get("/memories/" + b).bodyAsJsonObject();
    assertEquals(new JsonArray(), remaining.getJsonArray("incoming_relationships"));
    assertEquals(new JsonArray(), remaining.getJsonArray("outgoing_relationships"));
  }

  @Test
  void no_edge_or_related_result_ever_crosses_workspaces() {
    Api alice = Api.newWorkspace("iso-alice");
    Api bob = Api.newWorkspace("iso-bob");
    String a1 = alice.store(memory(POOLING.get(0))).getString("memory_id");
    String a2 = alice.store(memory(POOLING.get(1))).getString("memory_id");
    String b1 = bob.store(memory(POOLING.get(0))).getString("memory_id");
    String b2 = bob.store(memory(POOLING.get(2))).getString("memory_id");
    Jobs.awaitSettled(a1, a2, b1, b2);

    JsonArray related = alice.get("/memories/" + a1 + "/related?similarity_threshold=0&limit=50").bodyAsJsonArray();
    assertEquals(List.of(a2), ids(related));
    assertEquals(Set.of(a2), targets(alice.get("/memories/" + a1).bodyAsJsonObject(), "outgoing_relationships",
        "similar_to"));
    assertEquals(404, alice.get("/memories/" + b1 + "/related").statusCode());
    assertEquals(404, alice.post("/memories/" + a1 + "/relationships", new JsonObject()
        .put("target_memory_id", b1).put("relationship_type", "references")).statusCode());

    long crossing = TestService.get().pool().query("""
            SELECT count(*) FROM memory_relationship r
            JOIN memory s ON s.memory_id = r.source_memory_id JOIN memory t ON t.memory_id = r.target_memory_id
            WHERE s.workspace_id <> t.workspace_id OR s.workspace_id <> r.workspace_id""")
        .execute().await().iterator().next().getLong(0);
    assertEquals(0, crossing);
  }

  private static List<String> ids(JsonArray results) {
    return results.stream().map(r -> ((JsonObject) r).getJsonObject("memory").getString("memory_id")).toList();
  }

  static String embedding(String memoryId) {
    return TestService.get().pool().preparedQuery("SELECT embedding::text FROM memory_embedding WHERE memory_id = $1")
        .execute(Tuple.of(memoryId)).await().iterator().next().getString(0);
  }

}
