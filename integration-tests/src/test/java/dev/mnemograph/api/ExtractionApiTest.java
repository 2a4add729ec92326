package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session's observations become searchable memories by themselves: ended (with no body, as the plugin's
 * Stop hook does), or left idle; observations that arrive after the end are extracted too, and a run again
 * changes the memories it made rather than adding copies.
 */
class ExtractionApiTest {
  private static final String CWD = "/home/dev/shop";

  private static String sessionId() {
    return "sess-" + (System.currentTimeMillis() / 1000) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject observation(String sessionId, String category, String content, int second) {
    return new JsonObject().put("observation_id", UUID.randomUUID().toString()).put("session_id", sessionId)
        .put("observed_at", OffsetDateTime.of(2026, 12, 4, 10, 0, second, 0, ZoneOffset.UTC).toString())
        .put("category", category).put("content", content);
  }

  /** The PostToolUse payload Neuroloom's plugin sends as content. */
  private static String hook(String tool, JsonObject input, JsonObject response) {
    return new JsonObject().put("session_id", UUID.randomUUID().toString()).put("cwd", CWD)
        .put("hook_event_name", "PostToolUse").put("tool_name", tool).put("tool_input", input)
        .put("tool_response", response).encode();
  }

  private static String bash(String command, String stdout, int exitCode) {
    return hook("Bash", new JsonObject().put("command", command),
        new JsonObject().put("stdout", stdout).put("stderr", "").put("exit_code", exitCode));
  }

  private static String edit(String path) {
    return hook("Edit", new JsonObject().put("file_path", CWD + "/" + path).put("old_string", "0").put("new_string", "1"),
        new JsonObject());
  }

  private static void send(Api api, JsonObject... observations) {
    HttpResponse<Buffer> res = api.post("/observations/batch",
        new JsonObject().put("observations", new JsonArray(List.of((Object[]) observations))));
    assertEquals(200, res.statusCode(), res.bodyAsString());
  }

  /** A retry fix session: a conversation that settles a rule, a failing test fixed by an edit. */
  private static JsonObject[] retrySession(String id) {
    return new JsonObject[] {
        observation(id, "user_prompt", "Payments client: should we retry on every error from the gateway?", 1),
        observation(id, "assistant_message", "Retrying every error would resend card charges on 4xx.", 2),
        observation(id, "user_prompt", new JsonObject().put("prompt",
            "Decision: retry only on 5xx and timeouts, never on 4xx, at most 3 attempts.").encode(), 3),
        observation(id, "assistant_message", "Agreed. I will make the gateway client retry 5xx only.", 4),
        observation(id, "Bash", bash("pytest tests/test_gateway.py",
            "FAILED tests/test_gateway.py::test_no_retry_on_402 - assert 3 == 1", 1), 5),
        observation(id, "Edit", edit("payments/gateway.py"), 6),
        observation(id, "Bash", bash("pytest tests/test_gateway.py", "4 passed", 0), 7)};
  }

  /** The memories extracted from the session, waiting as a user would: until the insight has nothing pending. */
  private static List<JsonObject> extracted(Api api, String sessionId) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (api.get("/workspaces/mine/insight").bodyAsJsonObject().getInteger("pending_observations") > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("observations still pending after 60 s");
      }
      Thread.sleep(100);
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object m : api.list("?limit=100")) {
      if (sessionId.equals(((JsonObject) m).getString("source_session_id"))) {
        out.add((JsonObject) m);
      }
    }
    return out;
  }

  private static JsonObject ofType(List<JsonObject> memories, String type) {
    return memories.stream().filter(m -> type.equals(m.getString("memory_type"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " among " + memories));
  }

  @Test
  void an_ended_session_becomes_a_session_memory_its_decision_and_the_incident_it_fixed() throws Exception {
    Api api = Api.newWorkspace("extract-end");
    String id = sessionId();
    assertEquals(201, api.post("/sessions/start", new JsonObject().put("session_id", id).put("project_name", "shop"))
        .statusCode());
    send(api, retrySession(id));

    HttpResponse<Buffer> end = api.request(HttpMethod.POST, "/sessions/" + id + "/end").send().await();
    assertEquals(200, end.statusCode(), end.bodyAsString());
    List<JsonObject> memories = extracted(api, id);

    assertEquals(3, memories.size(), memories.toString());
    JsonObject session = ofType(memories, "general");
    assertTrue(session.getJsonArray("tags").contains("session"));
    assertEquals(List.of("payments/gateway.py"), session.getJsonArray("source_files").getList());
    JsonObject decision = ofType(memories, "decision");
    assertTrue(decision.getString("narrative").contains("retry only on 5xx and timeouts, never on 4xx"));
    JsonObject incident = ofType(memories, "incident");
    assertTrue(incident.getString("narrative").contains("test_no_retry_on_402"), incident.getString("narrative"));
    assertEquals(List.of("payments/gateway.py"), incident.getJsonArray("source_files").getList());

    JsonObject found = api.post("/memories/search", new JsonObject().put("query", "which gateway errors are retried?")
        .put("limit", 3)).bodyAsJsonObject();
    assertEquals(id, found.getJsonArray("results").getJsonObject(0).getJsonObject("memory")
        .getString("source_session_id"), found.encode());
  }

  @Test
  void observations_after_the_end_are_extracted_into_the_same_memories_not_copies() throws Exception {
    Api api = Api.newWorkspace("extract-late");
    String id = sessionId();
    JsonObject[] all = retrySession(id);
    send(api, all[0], all[1]);
    assertEquals(200, api.post("/sessions/" + id + "/end", new JsonObject()).statusCode());
    List<JsonObject> before = extracted(api, id);

    // the plugin's next start flushes the old session's buffer after ending it
    send(api, List.of(all).subList(2, all.length).toArray(JsonObject[]::new));
    List<JsonObject> after = extracted(api, id);

    assertEquals(1, before.size(), before.toString());
    assertEquals(3, after.size(), after.toString());
    JsonObject sessionBefore = ofType(before, "general");
    JsonObject sessionAfter = ofType(after, "general");
    assertEquals(sessionBefore.getString("memory_id"), sessionAfter.getString("memory_id"));
    assertTrue(sessionAfter.getString("narrative").contains("never on 4xx"));
  }

  @Test
  void a_session_never_ended_is_extracted_once_idle_and_a_repeat_strengthens_instead_of_copying() throws Exception {
    Api api = Api.newWorkspace("extract-idle");
    String first = sessionId();
    send(api, retrySession(first));
    List<JsonObject> firstMemories = extracted(api, first);   // idle time in tests: 3 s
    assertEquals(3, firstMemories.size(), firstMemories.toString());
    Jobs.awaitSettled(firstMemories.stream().map(m -> m.getString("memory_id")).toArray(String[]::new));

    String second = sessionId();
    JsonObject[] same = retrySession(second);
    send(api, same);
    assertEquals(200, api.post("/sessions/" + second + "/end", new JsonObject()).statusCode());

    assertEquals(List.of(), extracted(api, second), "the same session again adds nothing");
    JsonObject insight = api.get("/workspaces/mine/insight").bodyAsJsonObject();
    assertEquals(0, insight.getInteger("pending_observations"));
    assertEquals(3, api.list("?limit=100").size());
  }
}
