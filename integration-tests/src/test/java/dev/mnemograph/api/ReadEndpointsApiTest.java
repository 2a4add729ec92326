package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Set;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read endpoints agents use besides search: the index, the timeline and the workspace. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadEndpointsApiTest {
  private Api api;
  private String old;
  private String recent;
  private String important;

  @BeforeAll
  void memories() {
    api = Api.newWorkspace("reads");
    old = api.store(new JsonObject().put("title", "Old decision").put("narrative", "Made a month ago.")
        .put("memory_type", "decision").put("importance_score", 0.3)).getString("memory_id");
    recent = api.store(new JsonObject().put("title", "Recent pattern").put("narrative", "Made today.")
        .put("memory_type", "pattern").put("importance_score", 0.5)).getString("memory_id");
    important = api.store(new JsonObject().put("title", "Important convention").put("narrative", "Made today too.")
        .put("memory_type", "convention").put("importance_score", 0.9)).getString("memory_id");
    Jobs.awaitSettled(old, recent, important);
    TestService.get().pool().preparedQuery("UPDATE memory SET created_at = now() - interval '30 days' WHERE memory_id = $1")
        .execute(Tuple.of(old)).await();
  }

  @Test
  void the_index_is_one_line_per_memory_most_important_first() {
    JsonArray index = api.get("/memories/index").bodyAsJsonArray();

    assertEquals(3, index.size());
    assertEquals(List.of(important, recent, old), index.stream().map(e -> ((JsonObject) e).getString("memory_id")).toList());
    JsonObject first = index.getJsonObject(0);
    assertEquals(Set.of("memory_id", "title", "memory_type", "importance_score"), first.fieldNames());
    assertEquals("Important convention", first.getString("title"));
    assertEquals("convention", first.getString("memory_type"));
    assertEquals(0.9, first.getDouble("importance_score"));
  }

  @Test
  void the_index_filters_by_type_and_pages() {
    assertEquals(List.of(recent), api.get("/memories/index?memory_type=pattern").bodyAsJsonArray().stream()
        .map(e -> ((JsonObject) e).getString("memory_id")).toList());
    assertEquals(List.of(recent), api.get("/memories/index?limit=1&offset=1").bodyAsJsonArray().stream()
        .map(e -> ((JsonObject) e).getString("memory_id")).toList());
  }

  @Test
  void the_timeline_holds_full_memories_of_the_window_newest_first() {
    JsonArray week = api.get("/memories/timeline").bodyAsJsonArray();
    JsonArray month = api.get("/memories/timeline?days=31").bodyAsJsonArray();

    assertEquals(List.of(important, recent), week.stream().map(m -> ((JsonObject) m).getString("memory_id")).toList());
    assertEquals("Made today too.", week.getJsonObject(0).getString("narrative"));
    assertEquals(List.of(important, recent, old), month.stream().map(m -> ((JsonObject) m).getString("memory_id")).toList());
    assertEquals(List.of(recent), api.get("/memories/timeline?memory_type=pattern").bodyAsJsonArray().stream()
        .map(m -> ((JsonObject) m).getString("memory_id")).toList());
  }

  @Test
  void the_workspace_reports_its_counts() {
    JsonObject ws = api.get("/workspace").bodyAsJsonObject();

    assertTrue(ws.getString("workspace_id").startsWith("ws-"));
    assertTrue(ws.getString("name").startsWith("reads-"));
    assertEquals(3, ws.getInteger("memory_count"));
    assertEquals(3, ws.getInteger("embedded_memory_count"));
    assertEquals(0, ws.getJsonObject("jobs").getInteger("open"));
    assertEquals(0, ws.getJsonObject("jobs").getInteger("failed"));
    JsonObject byKind = ws.getJsonObject("jobs").getJsonObject("by_kind");
    assertEquals(List.of("embed", "discover_relationships", "extract_session"), List.copyOf(byKind.fieldNames()));
    JsonObject idle = new JsonObject().put("pending", 0).put("running", 0).put("failed", 0);
    assertEquals(idle, byKind.getJsonObject("embed"));
    assertEquals(idle, byKind.getJsonObject("discover_relationships"));
    assertTrue(ws.containsKey("relationship_count"));
    assertTrue(ws.containsKey("last_graph_run"));
  }

  @Test
  void the_workspace_counts_its_own_queue_per_kind_and_status() {
    Api mine = Api.newWorkspace("queue-mine");
    Api theirs = Api.newWorkspace("queue-theirs");
    String myWorkspace = mine.get("/workspace").bodyAsJsonObject().getString("workspace_id");
    String theirWorkspace = theirs.get("/workspace").bodyAsJsonObject().getString("workspace_id");
    // jobs no worker takes: pending ones not due for a day, a running one with a long lease, a failed one
    for (Object[] job : new Object[][] {{myWorkspace, "embed", "pending"}, {myWorkspace, "embed", "failed"},
        {myWorkspace, "discover_relationships", "pending"}, {myWorkspace, "discover_relationships", "pending"},
        {myWorkspace, "discover_relationships", "running"}, {theirWorkspace, "embed", "pending"},
        {theirWorkspace, "embed", "failed"}}) {
      TestService.get().pool().preparedQuery("""
              INSERT INTO job (workspace_id, kind, memory_id, status, run_at, locked_by, lease_until)
              VALUES ($1, $2, 'mem-queue-' || gen_random_uuid(), $3, now() + interval '1 day',
                      CASE WHEN $3 = 'running' THEN 'a test' END,
                      CASE WHEN $3 = 'running' THEN now() + interval '1 day' END)""")
          .execute(Tuple.of(job[0], job[1], job[2])).await();
    }

    JsonObject jobs = mine.get("/workspace").bodyAsJsonObject().getJsonObject("jobs");

    assertEquals(4, jobs.getInteger("open"));
    assertEquals(1, jobs.getInteger("failed"));
    assertEquals(new JsonObject().put("pending", 1).put("running", 0).put("failed", 1),
        jobs.getJsonObject("by_kind").getJsonObject("embed"));
    assertEquals(new JsonObject().put("pending", 2).put("running", 1).put("failed", 0),
        jobs.getJsonObject("by_kind").getJsonObject("discover_relationships"));
    TestService.get().pool().preparedQuery("DELETE FROM job WHERE memory_id LIKE 'mem-queue-%' AND workspace_id = ANY($1)")
        .execute(Tuple.tuple().addArrayOfString(new String[] {myWorkspace, theirWorkspace})).await();
  }

  @Test
  void another_workspace_sees_its_own_index_timeline_and_counts_only() {
    Api other = Api.newWorkspace("reads-other");

    assertEquals(0, other.get("/memories/index").bodyAsJsonArray().size());
    assertEquals(0, other.get("/memories/timeline?days=365").bodyAsJsonArray().size());
    assertEquals(0, other.get("/workspace").bodyAsJsonObject().getInteger("memory_count"));
  }

  @Test
  void bounds_are_422_and_a_missing_key_401() {
    assertValidationError(api.get("/memories/index?limit=0"), List.of("query", "limit"), "greater_than_equal");
    assertValidationError(api.get("/memories/index?limit=501"), List.of("query", "limit"), "less_than_equal");
    assertValidationError(api.get("/memories/index?memory_type=note"), List.of("query", "memory_type"), "enum");
    assertValidationError(api.get("/memories/timeline?days=0"), List.of("query", "days"), "greater_than_equal");
    assertValidationError(api.get("/memories/timeline?days=lots"), List.of("query", "days"), "type_error");
    assertValidationError(api.get("/memories/index?offset=4294967295"), List.of("query", "offset"),
        "less_than_equal");
    assertValidationError(api.get("/memories/timeline?offset=1000001"), List.of("query", "offset"),
        "less_than_equal");
    assertEquals(401, TestService.http().get("/api/v1/workspace").send().await().statusCode());
  }
}
