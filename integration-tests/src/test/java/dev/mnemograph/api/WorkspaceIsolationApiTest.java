package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Another workspace's memory is indistinguishable from one that does not exist. */
class WorkspaceIsolationApiTest {
  private final Api alice = Api.newWorkspace("alice");
  private final Api bob = Api.newWorkspace("bob");

  @Test
  void another_workspaces_memory_is_404_everywhere_and_untouched() {
    JsonObject secret = alice.store("Alice's secret", "Only Alice may read this.");
    String id = secret.getString("memory_id");
    String expected = "Memory '" + id + "' not found.";

    assertEquals(expected, bob.get("/memories/" + id).bodyAsJsonObject().getString("detail"));
    assertEquals(404, bob.get("/memories/" + id).statusCode());
    assertEquals(404, bob.patch("/memories/" + id, new JsonObject().put("title", "mine now")).statusCode());
    assertEquals(404, bob.post("/memories/" + id + "/access").statusCode());
    assertEquals(404, bob.post("/memories/" + id + "/retrieval").statusCode());
    assertEquals(404, bob.delete("/memories/" + id).statusCode());
    assertEquals(0, bob.post("/memories/batch-delete", new JsonObject().put("memory_ids", new JsonArray(List.of(id))))
        .bodyAsJsonObject().getInteger("deleted_count"));

    JsonObject after = alice.get("/memories/" + id).bodyAsJsonObject();
    assertEquals("Alice's secret", after.getString("title"));
    assertEquals(1, after.getInteger("access_count"));
    assertEquals(0, after.getInteger("retrieval_count"));
  }

  @Test
  void the_graph_endpoints_neither_show_nor_touch_another_workspaces_memories() {
    String secret = alice.store("Quokka census on Rottnest", "Alice counted the quokkas.").getString("memory_id");
    String other = alice.store("Alice's second memory", "Linked to the census.").getString("memory_id");
    alice.post("/memories/" + secret + "/relationships", new JsonObject().put("target_memory_id", other)
        .put("relationship_type", "depends_on"));
    String mine = bob.store("Bob's memory", "Bob's own notes.").getString("memory_id");
    String expected = "Memory '" + secret + "' not found.";

    JsonObject theirs = new JsonObject().put("source_memory_id", secret).put("target_memory_id", other);
    assertEquals(404, bob.post("/memories/path", theirs).statusCode());
    assertEquals(expected, bob.post("/memories/path", theirs).bodyAsJsonObject().getString("detail"));
    assertEquals(expected, bob.post("/memories/path", new JsonObject().put("source_memory_id", mine)
        .put("target_memory_id", secret)).bodyAsJsonObject().getString("detail"));
    HttpResponse<Buffer> rated = bob.post("/memories/" + secret + "/feedback", new JsonObject().put("useful", false));
    assertEquals(404, rated.statusCode());
    assertEquals(expected, rated.bodyAsJsonObject().getString("detail"));

    JsonObject explored = bob.post("/memories/explore", new JsonObject().put("query", "quokka census Rottnest"))
        .bodyAsJsonObject();
    assertFalse(explored.encode().contains(secret), explored.encode());
    assertFalse(explored.encode().contains(other), explored.encode());
    JsonObject graph = bob.get("/memories/graph").bodyAsJsonObject();
    assertFalse(graph.encode().contains(secret) || graph.encode().contains(other), graph.encode());
    assertEquals(0, graph.getLong("total_edges"));

    JsonObject after = alice.get("/memories/" + secret).bodyAsJsonObject();
    assertEquals(0, after.getInteger("feedback_negative_count"));
    assertEquals(0, after.getInteger("retrieval_count"), "bob's explore did not seed from it");
    assertEquals(1, alice.post("/memories/path", theirs).bodyAsJsonObject().getInteger("depth"));
  }

  @Test
  void lists_show_only_the_callers_memories() {
    alice.store("a1", "n");
    alice.store("a2", "n");
    bob.store("b1", "n");

    assertEquals(List.of("a2", "a1"), alice.list("?ordering=-created_at").stream()
        .map(m -> ((JsonObject) m).getString("title")).toList());
    assertEquals(List.of("b1"), bob.list("").stream().map(m -> ((JsonObject) m).getString("title")).toList());
  }

  @Test
  void batch_delete_counts_only_the_callers_memories() {
    String a = alice.store("a", "n").getString("memory_id");
    String b = bob.store("b", "n").getString("memory_id");

    JsonObject res = bob.post("/memories/batch-delete", new JsonObject().put("memory_ids", new JsonArray(List.of(a, b))))
        .bodyAsJsonObject();

    assertEquals(1, res.getInteger("deleted_count"));
    assertEquals(200, alice.get("/memories/" + a).statusCode());
  }
}
