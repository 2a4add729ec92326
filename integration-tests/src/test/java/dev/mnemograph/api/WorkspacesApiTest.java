package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.Topics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workspace reads Neuroloom's plugins make: GET /workspaces/ (the init skill's key check),
 * GET /workspaces/mine/insight (SessionStart reads workspace_id; the status skill the counts) and the SDLC
 * plugin's GET /sdlc/cc-sdlc-version.
 */
class WorkspacesApiTest {

  private static JsonObject ok(HttpResponse<Buffer> res) {
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  @Test
  void workspaces_lists_the_keys_own_workspace_and_refuses_a_bad_key() {
    Api api = Api.newWorkspace("workspaces-list");
    String workspaceId = ok(api.get("/workspace")).getString("workspace_id");

    HttpResponse<Buffer> listed = api.get("/workspaces/");

    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    JsonArray workspaces = listed.bodyAsJsonArray();
    assertEquals(1, workspaces.size());
    assertEquals(workspaceId, workspaces.getJsonObject(0).getString("workspace_id"));
    assertNotNull(workspaces.getJsonObject(0).getString("created_at"));
    assertEquals(401, new Api("mnemo_not-a-key").get("/workspaces/").statusCode());
  }

  @Test
  void the_insight_counts_memories_and_relationships_per_type() {
    Api api = Api.newWorkspace("workspaces-insight");
    JsonObject empty = ok(api.get("/workspaces/mine/insight"));
    assertEquals(ok(api.get("/workspace")).getString("workspace_id"), empty.getString("workspace_id"));
    assertEquals(new JsonObject(), empty.getJsonObject("memory_counts"));
    assertEquals(0, empty.getInteger("total_relationships"));
    assertNull(empty.getValue("last_memory_added_at"));

    String a = api.store(new JsonObject().put("title", "Pool connections").put("narrative", "One pool per service.")
        .put("memory_type", "pattern")).getString("memory_id");
    String b = api.store(new JsonObject().put("title", "Pools are sized by cores").put("narrative", "Two per core.")
        .put("memory_type", "decision")).getString("memory_id");
    String c = api.store(new JsonObject().put("title", "A second pattern").put("narrative", "Nothing in common.")
        .put("memory_type", "pattern")).getString("memory_id");
    Jobs.awaitSettled(List.of(a, b, c), Duration.ofSeconds(60));
    Topics.link(api, a, b, "depends_on", 0.9, false);

    JsonObject insight = ok(api.get("/workspaces/mine/insight"));

    assertEquals(new JsonObject().put("pattern", 2).put("decision", 1), insight.getJsonObject("memory_counts"));
    assertEquals(3, insight.getInteger("total_memories"));
    long total = insight.getJsonArray("relationship_counts").stream()
        .mapToLong(r -> ((JsonObject) r).getLong("count")).sum();
    assertEquals(total, insight.getLong("total_relationships"));
    assertTrue(insight.getJsonArray("relationship_counts").stream()
        .anyMatch(r -> ((JsonObject) r).getString("relationship_type").equals("depends_on")));
    assertNotNull(insight.getString("last_memory_added_at"));
    assertNotNull(insight.getString("last_discovery_run_at"));
  }

  @Test
  void the_sdlc_version_is_the_configured_one() {
    JsonObject version = ok(Api.newWorkspace("workspaces-sdlc").get("/sdlc/cc-sdlc-version"));

    assertEquals(new JsonObject().put("version", "0.1.0"), version);
  }
}
