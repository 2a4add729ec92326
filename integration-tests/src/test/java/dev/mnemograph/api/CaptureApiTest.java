package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions and observations as Neuroloom's Claude Code plugin sends them (../shared/spec/NEUROLOOM-CLIENTS.md
 * §2.1, §2.2): a start under the client's id, one observation per tool use, the next start ending the previous
 * session and only then flushing its buffered observations (the same buffer again after a failure, {"raw": …}
 * items among them), an end with {} or with no body at all.
 */
class CaptureApiTest {

  private static String sessionId() {
    return "sess-" + (System.currentTimeMillis() / 1000) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An observation as pyhooks/capture.py builds it: the whole hook payload, re-serialised, as content. */
  private static JsonObject observation(String sessionId, String tool, String output) {
    JsonObject payload = new JsonObject().put("session_id", UUID.randomUUID().toString())
        .put("transcript_path", "/tmp/t.jsonl").put("cwd", "/home/dev/shop").put("hook_event_name", "PostToolUse")
        .put("tool_name", tool).put("tool_input", new JsonObject().put("command", "pytest -q"))
        .put("tool_response", new JsonObject().put("stdout", output).put("stderr", "").put("interrupted", false));
    return new JsonObject().put("observation_id", UUID.randomUUID().toString()).put("session_id", sessionId)
        .put("observed_at", OffsetDateTime.now(ZoneOffset.UTC).toString().replace("Z", "+00:00"))
        .put("category", tool).put("content", payload.encode()).put("agent_id", null).put("agent_type", null);
  }

  private static JsonObject batch(JsonObject... observations) {
    return new JsonObject().put("observations", new JsonArray(List.of((Object[]) observations)));
  }

  private static JsonObject ok(int status, HttpResponse<Buffer> res) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private static JsonObject start(Api api, String id, String project) {
    return ok(201, api.post("/sessions/start", new JsonObject().put("session_id", id).put("project_name", project)
        .put("branch_name", "main")));
  }

  @Test
  void a_start_is_answered_again_for_its_retry_and_refused_under_another_ones_id() {
    Api api = Api.newWorkspace("capture-start");
    String id = sessionId();

    JsonObject first = start(api, id, "shop");
    JsonObject again = start(api, id, "shop");

    assertEquals(first, again);
    assertEquals(id, first.getString("session_id"));
    assertEquals("shop", first.getString("project_name"));
    assertEquals(new JsonObject(), first.getJsonObject("metadata_json"));
    assertNull(first.getValue("ended_at"));
    assertEquals(0, first.getInteger("observation_count"));
    HttpResponse<Buffer> other = api.post("/sessions/start", new JsonObject().put("session_id", id)
        .put("project_name", "another"));
    assertEquals(409, other.statusCode(), other.bodyAsString());
    assertEquals(first, ok(200, api.get("/sessions/" + id)));
    assertEquals(404, api.get("/sessions/sess-never").statusCode());
  }

  @Test
  void the_plugins_next_start_ends_the_old_session_then_flushes_its_buffer_which_is_stored_once() {
    Api api = Api.newWorkspace("capture-flush");
    String old = sessionId();
    start(api, old, "shop");
    JsonObject live = ok(200, api.post("/observations/batch", batch(observation(old, "Bash", "3 passed"))));
    assertEquals(1, live.getInteger("stored"));
    JsonObject[] buffered = {observation(old, "Read", "x"), observation(old, "Edit", "y"),
        observation(old, "Bash", "1 failed")};

    // SessionStart in the same directory: end the old session with {}, start the new one, flush the buffer
    JsonObject ended = ok(200, api.post("/sessions/" + old + "/end", new JsonObject()));
    String next = sessionId();
    start(api, next, "shop");
    JsonObject flushed = ok(200, api.post("/observations/batch", batch(buffered)));
    // the answer was lost: the client sends the same buffer again
    JsonObject replayed = ok(200, api.post("/observations/batch", batch(buffered)));

    assertNotNull(ended.getString("ended_at"));
    assertEquals(3, flushed.getInteger("stored"));
    assertEquals(new JsonObject().put("received", 3).put("stored", 0).put("duplicates", 3).put("truncated", 0)
        .put("redacted", new JsonObject()).put("rejected", new JsonArray()), replayed);
    JsonObject session = ok(200, api.get("/sessions/" + old));
    assertEquals(4, session.getInteger("observation_count"));
    assertEquals(ended.getString("ended_at"), session.getString("ended_at"));
    assertEquals(4L, count("SELECT count(*) FROM observation o JOIN workspace w USING (workspace_id) "
        + "WHERE o.session_id = $1", old));
    List<String> newestFirst = api.get("/sessions/").bodyAsJsonArray().stream()
        .map(s -> ((JsonObject) s).getString("session_id")).toList();
    assertEquals(List.of(next, old), newestFirst);
  }

  @Test
  void an_end_takes_an_empty_body_or_none_and_is_the_same_when_repeated() {
    Api api = Api.newWorkspace("capture-end");
    String id = sessionId();
    start(api, id, "shop");

    // v0.1.0's Stop hook: curl -X POST with no body and no Content-Type
    HttpResponse<Buffer> bare = api.request(HttpMethod.POST, "/sessions/" + id + "/end").send().await();
    JsonObject again = ok(200, api.post("/sessions/" + id + "/end", new JsonObject()));

    assertEquals(200, bare.statusCode(), bare.bodyAsString());
    assertEquals(bare.bodyAsJsonObject().getString("ended_at"), again.getString("ended_at"));
    assertEquals(404, api.post("/sessions/sess-unknown/end", new JsonObject()).statusCode());
    HttpResponse<Buffer> extra = api.post("/sessions/" + id + "/end", new JsonObject().put("summary", "x"));
    assertEquals(422, extra.statusCode(), extra.bodyAsString());
  }

  @Test
  void bad_items_are_reported_one_by_one_and_the_good_ones_kept() {
    Api api = Api.newWorkspace("capture-bad");
    String id = sessionId();
    JsonObject good = observation(id, "Bash", "ok");
    JsonObject batch = batch(
        new JsonObject().put("raw", "{not json"),                                    // HEAD's flush of a bad row
        good,
        observation(id, "Read", "a").put("observed_at", "yesterday"),
        observation(id, "Read", "b").put("observed_at", "2026-12-04T10:00:00"),      // no offset
        observation(id, "Read", "c").put("session_id", 42),
        observation(id, "Read", "d").put("agent_id", "a".repeat(101)),
        observation(id, "Read", "e").put("observation_id", "has\u0000nul"),
        observation(id, "Read", "x").put("content", "\u0000binary\u0000").put("observed_at", "2026-03-25T10:00:00Z"),
        good.copy());                                                                  // the same id twice

    JsonObject answer = ok(200, api.post("/observations/batch", batch));

    assertEquals(9, answer.getInteger("received"));
    assertEquals(2, answer.getInteger("stored"));
    assertEquals(1, answer.getInteger("duplicates"));
    List<Integer> rejected = answer.getJsonArray("rejected").stream().map(r -> ((JsonObject) r).getInteger("index"))
        .toList();
    assertEquals(List.of(0, 2, 3, 4, 5, 6), rejected);
    answer.getJsonArray("rejected").forEach(r -> assertTrue(((JsonObject) r).getString("detail").length() > 10));
    // the unknown session was made on the fly; its client's start fills it in
    JsonObject implicit = ok(200, api.get("/sessions/" + id));
    assertEquals(2, implicit.getInteger("observation_count"));
    assertNull(implicit.getValue("project_name"));
    assertEquals("shop", start(api, id, "shop").getString("project_name"));
    assertEquals(1L, count("SELECT count(*) FROM observation WHERE session_id = $1 AND content LIKE '%\uFFFDbinary%'",
        id));
  }

  @Test
  void a_replayed_buffer_of_2000_hook_payloads_far_past_256_kib_is_stored_and_a_huge_content_is_cut() {
    Api api = Api.newWorkspace("capture-large");
    String id = sessionId();
    start(api, id, "shop");
    JsonArray items = new JsonArray();
    for (int i = 0; i < 2_000; i++) {
      items.add(observation(id, "Read", "line " + i + " " + "x".repeat(5_000)));
    }
    items.add(observation(id, "Read", "y".repeat(300_000)));
    JsonObject body = new JsonObject().put("observations", items);
    assertTrue(body.encode().length() > 10_000_000);

    JsonObject answer = ok(200, api.post("/observations/batch", body));

    assertEquals(2_001, answer.getInteger("stored"));
    assertEquals(1, answer.getInteger("truncated"));
    assertEquals(2_001, ok(200, api.get("/sessions/" + id)).getInteger("observation_count"));
    assertEquals(1L, count("SELECT count(*) FROM observation WHERE session_id = $1 AND length(content) < 200100 "
        + "AND content LIKE '%more characters cut by Mnemograph]'", id));
    // without a Token key, a large body is refused before anything buffers it; with a bad one, it is a 401
    HttpResponse<Buffer> anonymous = TestService.http().request(HttpMethod.POST, "/api/v1/observations/batch")
        .sendJsonObject(body).await();
    assertEquals(413, anonymous.statusCode(), anonymous.bodyAsString());
    HttpResponse<Buffer> badKey = TestService.http().request(HttpMethod.POST, "/api/v1/observations/batch")
        .putHeader("Authorization", "Token mnemo_not-a-key").sendJsonObject(body).await();
    assertEquals(401, badKey.statusCode(), badKey.bodyAsString());
  }

  @Test
  void another_workspace_s_session_of_the_same_id_is_its_own() {
    Api mine = Api.newWorkspace("capture-mine");
    Api theirs = Api.newWorkspace("capture-theirs");
    String id = sessionId();
    start(theirs, id, "theirs");
    ok(200, theirs.post("/observations/batch", batch(observation(id, "Bash", "secret build"))));

    JsonObject answer = ok(200, mine.post("/observations/batch", batch(observation(id, "Bash", "mine"))));

    assertEquals(1, answer.getInteger("stored"));
    assertEquals(1, ok(200, mine.get("/sessions/" + id)).getInteger("observation_count"));
    assertNull(ok(200, mine.get("/sessions/" + id)).getValue("project_name"));
    assertEquals("theirs", ok(200, theirs.get("/sessions/" + id)).getString("project_name"));
  }

  private static long count(String sql, String sessionId) {
    return TestService.get().pool().preparedQuery(sql).execute(Tuple.of(sessionId)).await().iterator().next()
        .getLong(0);
  }
}
