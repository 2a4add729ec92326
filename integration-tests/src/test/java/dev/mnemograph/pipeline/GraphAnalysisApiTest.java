package dev.mnemograph.pipeline;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.GraphRuns;
import dev.mnemograph.support.Jobs;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph job as a user sees it: after the graph changes, the workers analyse the workspace once the
 * configured delay has passed ({@link GraphRuns}), and the memories carry PageRank, a community and
 * learned importance.
 */
class GraphAnalysisApiTest {
  private static final String[][] TOPICS = {
      {"Cache invalidation on writes", "Writes to the catalogue evict the cached product page by its key."},
      {"Sourdough starter feeding", "Feed the starter twice a day with equal weights of flour and water."},
      {"Tide tables for the harbour", "High tide at the harbour is about fifty minutes later each day."},
      {"Guitar string gauges", "Light gauge strings bend easily; heavy ones sustain longer."},
      {"Orbital mechanics primer", "A lower orbit is faster: the period grows with the semi-major axis."},
      {"Beekeeping in winter", "Bees cluster around the queen and eat the stored honey until spring."},
      {"Chess opening traps", "The Fried Liver attack punishes an early knight move by black."}};

  @Test
  void after_a_change_the_hub_of_a_star_gets_the_top_pagerank_and_the_star_one_community() {
    Api api = Api.newWorkspace("graph-star");
    assertNull(api.get("/workspace").bodyAsJsonObject().getValue("last_graph_run"), "no run before any change");
    List<String> ids = new ArrayList<>();
    for (String[] t : TOPICS) {
      ids.add(api.store(new JsonObject().put("title", t[0]).put("narrative", t[1])).getString("memory_id"));
    }
    Jobs.awaitSettled(ids, Duration.ofSeconds(60));
    String hub = ids.get(0);
    String isolated = ids.get(6);
    for (String leaf : ids.subList(1, 6)) {
      assertEquals(201, api.post("/memories/" + hub + "/relationships", new JsonObject()
          .put("target_memory_id", leaf).put("relationship_type", "references").put("is_bidirectional", true))
          .statusCode());
    }

    JsonObject run = GraphRuns.awaitSettled(api);

    assertEquals(7, run.getInteger("nodes"));
    assertTrue(run.getInteger("edges") >= 5, run.encode());
    assertEquals(1, run.getInteger("communities"), () -> ids.stream().map(id -> api.get("/memories/" + id)
        .bodyAsJsonObject()).map(d -> d.getString("title") + " " + d.getString("community_label") + " "
        + d.getJsonArray("outgoing_relationships").stream().map(o -> ((JsonObject) o).getString("relationship_type")
        + ">" + ((JsonObject) o).getString("target_memory_id")).toList()).toList().toString());
    assertNotNull(run.getInteger("duration_ms"));
    assertNull(run.getValue("error"));
    JsonObject hubDetail = api.get("/memories/" + hub).bodyAsJsonObject();
    assertEquals(1.0, hubDetail.getDouble("pagerank_score"), 1e-9);
    String label = hubDetail.getString("community_label");
    assertNotNull(label, "named after its titles' words, having no concepts or tags");
    assertEquals(0.6, hubDetail.getDouble("importance_score"), 1e-4, "base 0.5 + 0.1 × centrality 1.0");
    for (String leaf : ids.subList(1, 6)) {
      JsonObject detail = api.get("/memories/" + leaf).bodyAsJsonObject();
      assertTrue(detail.getDouble("pagerank_score") < 0.5, detail.encode());
      assertEquals(label, detail.getString("community_label"));
    }
    JsonObject alone = api.get("/memories/" + isolated).bodyAsJsonObject();
    assertTrue(alone.getDouble("pagerank_score") < 0.2, alone.encode());
    assertNull(alone.getValue("community_label"), "a memory without edges is in no community");
  }

  @Test
  void a_deletion_is_analysed_again_and_another_workspace_is_not_touched() {
    Api api = Api.newWorkspace("graph-delete");
    Api other = Api.newWorkspace("graph-other");
    String a = api.store(new JsonObject().put("title", TOPICS[0][0]).put("narrative", TOPICS[0][1])).getString("memory_id");
    String b = api.store(new JsonObject().put("title", TOPICS[1][0]).put("narrative", TOPICS[1][1])).getString("memory_id");
    String c = api.store(new JsonObject().put("title", TOPICS[2][0]).put("narrative", TOPICS[2][1])).getString("memory_id");
    String untouched = other.store(new JsonObject().put("title", TOPICS[3][0]).put("narrative", TOPICS[3][1]))
        .getString("memory_id");
    Jobs.awaitSettled(List.of(a, b, c, untouched), Duration.ofSeconds(60));
    api.post("/memories/" + a + "/relationships", new JsonObject().put("target_memory_id", b)
        .put("relationship_type", "depends_on"));
    api.post("/memories/" + c + "/relationships", new JsonObject().put("target_memory_id", b)
        .put("relationship_type", "depends_on"));
    GraphRuns.awaitSettled(api);
    assertEquals(1.0, api.get("/memories/" + b).bodyAsJsonObject().getDouble("pagerank_score"), 1e-9,
        "what two memories depend on is the most central");
    String firstFinish = api.get("/workspace").bodyAsJsonObject().getJsonObject("last_graph_run").getString("finished_at");

    assertEquals(204, api.delete("/memories/" + b).statusCode());
    JsonObject run = GraphRuns.awaitSettled(api);

    assertFalse(firstFinish.equals(run.getString("finished_at")), "analysed again after the delete");
    assertEquals(2, run.getInteger("nodes"));
    assertEquals(0, run.getInteger("edges"));
    assertNull(api.get("/memories/" + a).bodyAsJsonObject().getValue("community_label"));
    // the other workspace has no edges of its own: its only memory is analysed alone, never with these
    JsonObject otherRun = GraphRuns.awaitSettled(other);
    assertEquals(1, otherRun.getInteger("nodes"));
  }
}
