package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /memories/{id}/relationships: manual edges of any of the seven types. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelationshipApiTest {
  private Api api;

  @BeforeAll
  void workspace() {
    api = Api.newWorkspace("manual-edges");
  }

  private String memory(String title) {
    return api.store(title, "A memory about " + title + ".").getString("memory_id");
  }

  @Test
  void adds_an_edge_of_each_type_that_shows_on_both_memories() {
    String decision = memory("the decision");
    for (String type : List.of("references", "related_to", "caused_by", "contradicts", "supersedes", "similar_to",
        "depends_on")) {
      String other = memory("the " + type + " target");

      HttpResponse<Buffer> res = api.post("/memories/" + decision + "/relationships", new JsonObject()
          .put("target_memory_id", other).put("relationship_type", type).put("confidence", 0.8)
          .put("context", "noted in the design review"));

      assertEquals(201, res.statusCode(), res.bodyAsString());
      JsonObject edge = res.bodyAsJsonObject();
      assertEquals(decision, edge.getString("source_memory_id"));
      assertEquals(other, edge.getString("target_memory_id"));
      assertEquals(type, edge.getString("relationship_type"));
      assertEquals("manual", edge.getString("discovery_method"));
      assertEquals(0.8, edge.getDouble("confidence"));
      assertEquals("noted in the design review", edge.getString("context"));
      assertTrue(api.get("/memories/" + other).bodyAsJsonObject().getJsonArray("incoming_relationships")
          .contains(edge));
    }
    assertEquals(7, api.get("/memories/" + decision).bodyAsJsonObject().getJsonArray("outgoing_relationships")
        .stream().filter(e -> "manual".equals(((JsonObject) e).getString("discovery_method"))).count());
  }

  @Test
  void defaults_to_full_confidence_one_way_and_no_context() {
    String a = memory("a");
    String b = memory("b");

    JsonObject edge = api.post("/memories/" + a + "/relationships", new JsonObject()
        .put("target_memory_id", b).put("relationship_type", "depends_on")).bodyAsJsonObject();

    assertEquals(1.0, edge.getDouble("confidence"));
    assertEquals(false, edge.getBoolean("is_bidirectional"));
    assertNull(edge.getValue("context"));
    // the detail view writes it as the answer did (its arrays come from PostgreSQL as JSON text)
    assertEquals(List.of(edge), api.get("/memories/" + a).bodyAsJsonObject().getJsonArray("outgoing_relationships")
        .stream().map(JsonObject.class::cast).filter(e -> "manual".equals(e.getString("discovery_method"))).toList());
  }

  @Test
  void the_same_edge_twice_is_a_409_and_a_self_edge_a_422() {
    String a = memory("a");
    String b = memory("b");
    JsonObject body = new JsonObject().put("target_memory_id", b).put("relationship_type", "supersedes");
    assertEquals(201, api.post("/memories/" + a + "/relationships", body).statusCode());

    HttpResponse<Buffer> again = api.post("/memories/" + a + "/relationships", body);

    assertEquals(409, again.statusCode());
    assertTrue(again.bodyAsJsonObject().getString("detail").contains("already exists"));
    assertValidationError(api.post("/memories/" + a + "/relationships", body.copy().put("target_memory_id", a)),
        List.of("body", "target_memory_id"), "value_error");
  }

  @Test
  void unknown_memories_are_404_and_bad_bodies_422() {
    String a = memory("a");
    String b = memory("b");

    assertEquals("Memory 'mem-nobody' not found.", api.post("/memories/" + a + "/relationships", new JsonObject()
        .put("target_memory_id", "mem-nobody").put("relationship_type", "references")).bodyAsJsonObject()
        .getString("detail"));
    assertEquals(404, api.post("/memories/mem-nobody/relationships", new JsonObject()
        .put("target_memory_id", b).put("relationship_type", "references")).statusCode());
    assertValidationError(api.post("/memories/" + a + "/relationships", new JsonObject()
        .put("target_memory_id", b).put("relationship_type", "likes")), List.of("body", "relationship_type"), "enum");
    assertValidationError(api.post("/memories/" + a + "/relationships", new JsonObject()
        .put("target_memory_id", b).put("relationship_type", "references").put("confidence", 2)),
        List.of("body", "confidence"), "less_than_equal");
    assertValidationError(api.post("/memories/" + a + "/relationships", new JsonObject()
        .put("target_memory_id", b).put("relationship_type", "references").put("discovery_method", "embedding_similarity")),
        List.of("body", "discovery_method"), "extra_forbidden");
    assertValidationError(api.post("/memories/" + a + "/relationships", new JsonObject().put("relationship_type", "references")),
        List.of("body", "target_memory_id"), "missing");
  }
}
