package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.GraphRuns;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Set;

import static dev.mnemograph.api.StoreMemoryApiTest.assertValidationError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /memories/{id}/feedback: stored, counted, and the memory's importance learned again at once. Each
 * memory is rated once the workers have linked it and analysed the graph (PageRank is part of importance), so
 * that the rating is the only thing that moves its importance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedbackApiTest {
  private Api api;

  @BeforeAll
  void workspace() {
    api = Api.newWorkspace("feedback");
  }

  private String memory(double importance) {
    String id = api.store(new JsonObject().put("title", "Rated memory").put("narrative", "Something to rate.")
        .put("importance_score", importance)).getString("memory_id");
    Jobs.awaitSettled(id);
    GraphRuns.awaitSettled(api);
    return id;
  }

  /** As stored; GET /memories/{id} would record an access. */
  private static double importance(String id) {
    return TestService.get().pool().preparedQuery("SELECT importance_score FROM memory WHERE memory_id = $1")
        .execute(Tuple.of(id)).await().iterator().next().getDouble(0);
  }

  private JsonObject rate(String id, JsonObject body) {
    HttpResponse<Buffer> res = api.post("/memories/" + id + "/feedback", body);
    assertEquals(201, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private static JsonObject useful(boolean useful) {
    return new JsonObject().put("useful", useful);
  }

  @Test
  void useful_feedback_is_stored_counted_and_raises_importance() {
    String id = memory(0.5);
    double before = importance(id);

    JsonObject f = rate(id, useful(true).put("context", "fixed the flaky test with it").put("session_id", "s-1"));

    assertEquals(Set.of("id", "memory_id", "useful", "context", "session_id", "created_at", "importance_score"),
        f.fieldNames());
    assertEquals(id, f.getString("memory_id"));
    assertEquals(true, f.getBoolean("useful"));
    assertEquals("fixed the flaky test with it", f.getString("context"));
    assertEquals("s-1", f.getString("session_id"));
    assertTrue(f.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), f.encode());
    assertTrue(f.getDouble("importance_score") > before, before + " then " + f.encode());
    assertEquals(f.getDouble("importance_score"), importance(id));

    JsonObject m = api.get("/memories/" + id).bodyAsJsonObject();
    assertEquals(1, m.getInteger("feedback_positive_count"));
    assertEquals(0, m.getInteger("feedback_negative_count"));

    Row stored = TestService.get().pool()
        .preparedQuery("SELECT memory_id, useful, context, session_id FROM memory_feedback WHERE feedback_id = $1")
        .execute(Tuple.of(f.getLong("id"))).await().iterator().next();
    assertEquals(id, stored.getString("memory_id"));
    assertEquals(true, stored.getBoolean("useful"));
    assertEquals("fixed the flaky test with it", stored.getString("context"));
  }

  @Test
  void not_useful_feedback_lowers_importance() {
    String id = memory(0.5);
    double before = importance(id);

    JsonObject f = rate(id, useful(false));

    assertTrue(f.getDouble("importance_score") < before, before + " then " + f.encode());
    assertNull(f.getValue("context"));
    assertNull(f.getValue("session_id"));
    JsonObject m = api.get("/memories/" + id).bodyAsJsonObject();
    assertEquals(0, m.getInteger("feedback_positive_count"));
    assertEquals(1, m.getInteger("feedback_negative_count"));
  }

  @Test
  void each_rating_moves_importance_further_and_the_client_base_stays() {
    String id = memory(0.4);
    double previous = importance(id);
    for (int i = 0; i < 3; i++) {
      double now = rate(id, useful(true)).getDouble("importance_score");
      assertTrue(now > previous, now + " after " + previous);
      previous = now;
    }
    assertTrue(rate(id, useful(false)).getDouble("importance_score") < previous);

    double base = TestService.get().pool().preparedQuery("SELECT base_importance FROM memory WHERE memory_id = $1")
        .execute(Tuple.of(id)).await().iterator().next().getDouble(0);
    assertEquals(0.4, base);
    assertEquals(3, api.get("/memories/" + id).bodyAsJsonObject().getInteger("feedback_positive_count"));
  }

  @Test
  void importance_stays_at_most_1() {
    assertEquals(1.0, rate(memory(1.0), useful(true)).getDouble("importance_score"));
  }

  @Test
  void an_unknown_memory_is_404_and_nothing_is_stored() {
    HttpResponse<Buffer> res = api.post("/memories/mem-nobody/feedback", useful(true));

    assertEquals(404, res.statusCode());
    assertEquals("Memory 'mem-nobody' not found.", res.bodyAsJsonObject().getString("detail"));
    assertEquals(0L, TestService.get().pool()
        .preparedQuery("SELECT count(*) FROM memory_feedback WHERE memory_id = 'mem-nobody'").execute().await()
        .iterator().next().getLong(0));
  }

  @Test
  void bad_bodies_are_422_saying_what_is_wrong() {
    String id = memory(0.5);

    assertValidationError(api.post("/memories/" + id + "/feedback", new JsonObject()), List.of("body", "useful"),
        "missing");
    assertValidationError(api.post("/memories/" + id + "/feedback", new JsonObject().put("useful", "yes")),
        List.of("body", "useful"), "type_error");
    assertValidationError(api.post("/memories/" + id + "/feedback", useful(true).put("context", "x".repeat(2001))),
        List.of("body", "context"), "string_too_long");
    assertValidationError(api.post("/memories/" + id + "/feedback", useful(true).put("session_id", "s".repeat(201))),
        List.of("body", "session_id"), "string_too_long");
    assertValidationError(api.post("/memories/" + id + "/feedback", useful(true).put("rating", 5)),
        List.of("body", "rating"), "extra_forbidden");
    assertEquals(422, api.post("/memories/" + id + "/feedback").statusCode(), "no body");
    assertEquals(0, api.get("/memories/" + id).bodyAsJsonObject().getInteger("feedback_positive_count"));
  }
}
