package dev.mnemograph.api.mcp;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Commands;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.ApiKeys;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /mcp as a coding agent's host uses it: the official TypeScript MCP client end to end (client.mjs in
 * src/test/mcp-client), and the HTTP edges (auth, methods, media types, malformed JSON, bad arguments)
 * directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class McpApiTest {
  private static final Path CLIENT_DIR = Path.of("src", "test", "mcp-client");
  private static final Path OUTPUT_DIR = Path.of("target", "mcp-client");
  private static final List<String> TOOLS = List.of("memory_by_file", "memory_explore", "memory_get_detail",
      "memory_get_index", "memory_get_related", "memory_get_timeline", "memory_rate", "memory_search",
      "memory_store");

  private Api api;
  private int nextId = 1;

  @BeforeAll
  void workspace() {
    api = Api.newWorkspace("mcp");
  }

  @Test
  void the_typescript_client_stores_a_memory_finds_it_by_words_meaning_and_file_explores_and_rates_it()
      throws Exception {
    String key = Api.newWorkspace("mcp-client").key();
    Commands.npmCi(CLIENT_DIR, OUTPUT_DIR);

    JsonObject seen = runClient(key);

    assertEquals(new JsonArray(TOOLS), seen.getJsonArray("toolNames"), seen.encodePrettily());
    assertTrue(seen.getBoolean("everySchemaIsClosed"), "every input schema has additionalProperties: false");
    assertTrue(seen.getBoolean("hasInstructions"));
    assertTrue(seen.getString("memoryId").matches("mem-[a-z0-9]{16}"), seen.encodePrettily());
    assertTrue(seen.getBoolean("foundByKeyword"), seen.encodePrettily());
    assertTrue(seen.getBoolean("foundByParaphrase"), seen.encodePrettily());
    assertTrue(seen.getBoolean("paraphraseSemantic"), "ranked by meaning: " + seen.encodePrettily());
    assertTrue(seen.getBoolean("foundByFile"), seen.encodePrettily());
    assertTrue(seen.getBoolean("foundByAbsolutePath"), seen.encodePrettily());
    assertTrue(seen.getBoolean("detailHasFullContent"), seen.encodePrettily());
    assertTrue(seen.getBoolean("exploreFoundSeed"), seen.encodePrettily());
    assertTrue(seen.getBoolean("rated"), seen.encodePrettily());
    assertTrue(seen.getJsonObject("unknownMemory").getBoolean("isError"));
    assertTrue(seen.getJsonObject("badArguments").getBoolean("isError"));
    JsonObject badKey = seen.getJsonObject("badKey");
    assertTrue(badKey.getBoolean("refused"), seen.encodePrettily());
    assertEquals(401, badKey.getInteger("status"), seen.encodePrettily());
    assertEquals(new JsonArray(), seen.getJsonArray("failures"), seen.encodePrettily());
  }

  @Test
  void a_missing_key_is_401_with_a_detail_before_any_tool_runs() {
    HttpResponse<Buffer> res = post(null, storeCall());

    assertUnauthorized(res);
    assertTrue(res.getHeader("WWW-Authenticate").startsWith("Bearer"));
    assertTrue(res.bodyAsJsonObject().getString("detail").startsWith("Authentication credentials were not provided"),
        res.bodyAsString());
  }

  @Test
  void the_rest_apis_token_scheme_is_401_even_with_a_valid_key() {
    HttpResponse<Buffer> res = post("Token " + api.key(), storeCall());

    assertUnauthorized(res);
    assertTrue(res.bodyAsJsonObject().getString("detail").contains("Bearer"));
  }

  @Test
  void an_unknown_or_revoked_key_is_401() {
    NewApiKey revoked = TestService.newWorkspace("mcp-revoked");
    assertEquals(1, new WorkspaceRepository(TestService.get().pool()).revokeKey(revoked.info().keyPrefix()).await());

    for (String key : List.of(ApiKeys.newKey(), revoked.key())) {
      HttpResponse<Buffer> res = post("Bearer " + key, storeCall());
      assertUnauthorized(res);
      assertEquals("Invalid or revoked API key.", res.bodyAsJsonObject().getString("detail"));
    }
    assertUnauthorized(post("Bearer ", storeCall()));
  }

  @Test
  void get_and_delete_are_405_allowing_post_only() {
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
      HttpResponse<Buffer> res = TestService.http().request(method, McpEndpoint.PATH)
          .putHeader("Authorization", "Bearer " + api.key()).putHeader("Accept", "text/event-stream").send().await();

      assertEquals(405, res.statusCode(), method.name());
      assertEquals("POST", res.getHeader("Allow"));
    }
  }

  @Test
  void malformed_json_is_a_json_rpc_parse_error() {
    HttpResponse<Buffer> res = post("Bearer " + api.key(), "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");

    assertEquals(400, res.statusCode());
    JsonObject body = res.bodyAsJsonObject();
    assertEquals(-32700, body.getJsonObject("error").getInteger("code"), body.encode());
    assertTrue(body.containsKey("id"));
    assertNull(body.getValue("id"));
  }

  @Test
  void a_body_that_is_not_json_by_its_content_type_is_415() {
    HttpResponse<Buffer> res = request("Bearer " + api.key()).putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(storeCall())).await();

    assertEquals(415, res.statusCode());
  }

  @Test
  void an_accept_header_without_event_stream_is_400_as_in_the_sdks_own_transport() {
    HttpResponse<Buffer> res = request("Bearer " + api.key()).putHeader("Accept", "application/json")
        .sendBuffer(Buffer.buffer(storeCall())).await();

    assertEquals(400, res.statusCode());
    assertTrue(res.bodyAsJsonObject().getString("detail").contains("text/event-stream"));
  }

  @Test
  void a_body_over_the_limit_is_413() {
    String huge = "x".repeat(300 * 1024);
    HttpResponse<Buffer> res = post("Bearer " + api.key(), toolCall("memory_store",
        new JsonObject().put("title", "Huge").put("content", huge)));

    assertEquals(413, res.statusCode());
  }

  @Test
  void arguments_outside_the_schema_are_an_error_result_that_says_what_is_wrong() {
    JsonObject tooMany = callResult("memory_search", new JsonObject().put("query", "anything").put("limit", 1000));
    JsonObject noQuery = callResult("memory_search", new JsonObject().put("limit", 5));
    JsonObject unknownField = callResult("memory_get_index", new JsonObject().put("sort", "title"));
    JsonObject badType = callResult("memory_store",
        new JsonObject().put("title", "A title").put("content", "Some content").put("memory_type", "rumour"));

    for (JsonObject result : List.of(tooMany, noQuery, unknownField, badType)) {
      assertTrue(result.getBoolean("isError"), result.encode());
    }
    assertTrue(text(tooMany).contains("limit"), text(tooMany));
    assertTrue(text(noQuery).contains("query"), text(noQuery));
  }

  @Test
  void an_unknown_memory_is_an_error_result_naming_it() {
    JsonObject result = callResult("memory_get_detail", new JsonObject().put("memory_id", "mem-x"));

    assertTrue(result.getBoolean("isError"));
    assertEquals("Memory 'mem-x' not found in this workspace. Find memory ids with memory_search or "
        + "memory_get_index.", text(result));
  }

  @Test
  void another_workspaces_memory_is_not_found() {
    String theirs = Api.newWorkspace("mcp-other").store("Theirs", "Not for this workspace.").getString("memory_id");

    JsonObject detail = callResult("memory_get_detail", new JsonObject().put("memory_id", theirs));
    JsonObject related = callResult("memory_get_related", new JsonObject().put("memory_id", theirs));

    assertTrue(detail.getBoolean("isError"), detail.encode());
    assertTrue(related.getBoolean("isError"), related.encode());
    assertTrue(text(detail).contains(theirs));
  }

  @Test
  void memory_by_file_finds_a_file_named_from_another_root_and_takes_any_path() {
    Api files = Api.newWorkspace("mcp-files");
    String id = files.store(new JsonObject().put("title", "Pool size").put("narrative", "Ten connections.")
        .put("source_files", new JsonArray().add("src/db/pool.py"))).getString("memory_id");

    for (String path : new String[] {"src/db/pool.py", "/home/dev/project/src/db/pool.py", "db/pool.py"}) {
      JsonObject found = callResult(files.key(), "memory_by_file", new JsonObject().put("file_path", path));
      assertFalse(found.getBoolean("isError"), found.encode());
      assertTrue(text(found).contains(id), path + ": " + text(found));
    }
    for (String path : new String[] {"pool.py\\", "src\\db\\pool.py", "%", "_ool.py", "ool.py"}) {
      JsonObject none = callResult(files.key(), "memory_by_file", new JsonObject().put("file_path", path));
      assertFalse(none.getBoolean("isError"), path + ": " + none.encode());
      assertFalse(text(none).contains(id), path + ": " + text(none));
    }
  }

  @Test
  void memory_rate_counts_a_rating_and_refuses_what_it_cannot_record() {
    String id = api.store("Rate me", "A memory an agent found useful.").getString("memory_id");
    Api owner = Api.newWorkspace("mcp-rate-other");
    String theirs = owner.store("Theirs", "Not for this workspace.").getString("memory_id");

    JsonObject rated = callResult("memory_rate", new JsonObject().put("memory_id", id).put("useful", false)
        .put("context", "it named the wrong file").put("session_id", "session-7"));
    JsonObject noUseful = callResult("memory_rate", new JsonObject().put("memory_id", id));
    JsonObject unknown = callResult("memory_rate", new JsonObject().put("memory_id", "mem-x").put("useful", true));
    JsonObject other = callResult("memory_rate", new JsonObject().put("memory_id", theirs).put("useful", true));

    assertFalse(rated.getBoolean("isError"), rated.encode());
    assertTrue(text(rated).contains(id) && text(rated).contains("not useful"), text(rated));
    JsonObject stored = rated.getJsonObject("structuredContent");
    assertEquals("it named the wrong file", stored.getString("context"));
    assertEquals("session-7", stored.getString("session_id"));
    assertEquals(1, api.get("/memories/" + id).bodyAsJsonObject().getInteger("feedback_negative_count"));
    assertTrue(noUseful.getBoolean("isError") && text(noUseful).contains("useful"), noUseful.encode());
    assertTrue(unknown.getBoolean("isError") && text(unknown).contains("mem-x"), unknown.encode());
    assertTrue(other.getBoolean("isError") && text(other).contains(theirs), other.encode());
    assertEquals(0, owner.get("/memories/" + theirs).bodyAsJsonObject().getInteger("feedback_positive_count"));
  }

  @Test
  void memory_explore_answers_lines_and_structure_and_refuses_bad_arguments() {
    Api graph = Api.newWorkspace("mcp-explore");
    String hub = graph.store("Zeppelin hangar doors", "The airship shed's sliding doors run on greased rails.")
        .getString("memory_id");
    String spoke = graph.store("Rail grease supplier", "Lithium grease comes from the depot on Fridays.")
        .getString("memory_id");
    graph.post("/memories/" + hub + "/relationships", new JsonObject().put("target_memory_id", spoke)
        .put("relationship_type", "depends_on").put("confidence", 0.9));

    JsonObject result = callResult(graph.key(), "memory_explore", new JsonObject().put("query", "zeppelin hangar")
        .put("seed_limit", 1).put("relationship_types", new JsonArray().add("depends_on")));
    JsonObject empty = callResult(Api.newWorkspace("mcp-explore-empty").key(), "memory_explore",
        new JsonObject().put("query", "zeppelin hangar"));
    JsonObject tooMany = callResult(graph.key(), "memory_explore", new JsonObject().put("query", "x").put("max_nodes", 500));
    JsonObject badType = callResult(graph.key(), "memory_explore", new JsonObject().put("query", "x")
        .put("relationship_types", new JsonArray().add("likes")));

    assertFalse(result.getBoolean("isError"), result.encode());
    JsonObject s = result.getJsonObject("structuredContent");
    assertEquals(new JsonArray().add(hub), s.getJsonArray("seed_memories"));
    assertEquals(2, s.getJsonArray("nodes").size(), s.encode());
    assertEquals(1, s.getJsonArray("edges").size(), s.encode());
    assertTrue(text(result).contains("* " + hub) && text(result).contains(hub + " —depends_on 0.90→ " + spoke),
        text(result));
    assertFalse(empty.getBoolean("isError"), empty.encode());
    assertTrue(text(empty).startsWith("No memories match"), text(empty));
    assertTrue(tooMany.getBoolean("isError") && text(tooMany).contains("max_nodes"), tooMany.encode());
    assertTrue(badType.getBoolean("isError"), badType.encode());
  }

  @Test
  void memory_store_maps_the_mcp_names_to_the_memory_fields() {
    JsonObject result = callResult("memory_store", new JsonObject()
        .put("title", "Prefer async SQLAlchemy for all DB calls").put("memory_type", "pattern")
        .put("content", "All database operations must use async/await.")
        .put("tags", new JsonArray().add("sqlalchemy")).put("concepts", new JsonArray().add("async"))
        .put("files", new JsonArray().add("api/database.py")).put("importance", 0.9).put("confidence", 0.95));
    assertFalse(result.getBoolean("isError"), result.encode());
    String id = result.getJsonObject("structuredContent").getString("memory_id");
    assertTrue(text(result).contains(id));

    JsonObject stored = api.get("/memories/" + id).bodyAsJsonObject();

    assertEquals("All database operations must use async/await.", stored.getString("narrative"));
    assertEquals("pattern", stored.getString("memory_type"));
    assertEquals(new JsonArray().add("sqlalchemy"), stored.getJsonArray("tags"));
    assertEquals(new JsonArray().add("async"), stored.getJsonArray("concepts"));
    assertEquals(new JsonArray().add("api/database.py"), stored.getJsonArray("source_files"));
    assertEquals(0.9, stored.getDouble("importance_score"));
    assertEquals(0.95, stored.getDouble("confidence_score"));
  }

  @Test
  void memory_store_takes_lists_up_to_the_rest_apis_bounds_and_refuses_one_more() {
    JsonObject atTheBounds = new JsonObject().put("title", "Bounded").put("content", "c".repeat(100_000))
        .put("tags", repeated(50, "t".repeat(200))).put("concepts", repeated(50, "c".repeat(200)))
        .put("files", repeated(100, "f".repeat(1000)));
    JsonObject stored = callResult("memory_store", atTheBounds);
    assertFalse(stored.getBoolean("isError"), text(stored));

    for (String field : List.of("tags", "concepts", "files")) {
      JsonArray oneMore = atTheBounds.getJsonArray(field).copy().add("x");
      JsonObject tooMany = callResult("memory_store", atTheBounds.copy().put(field, oneMore));
      assertTrue(tooMany.getBoolean("isError") && text(tooMany).contains(field), text(tooMany));
      JsonArray tooLong = new JsonArray().add("x".repeat(field.equals("files") ? 1001 : 201));
      JsonObject longItem = callResult("memory_store", atTheBounds.copy().put(field, tooLong));
      assertTrue(longItem.getBoolean("isError") && text(longItem).contains(field), text(longItem));
    }
    JsonObject longContent = callResult("memory_store", atTheBounds.copy().put("content", "c".repeat(100_001)));
    assertTrue(longContent.getBoolean("isError") && text(longContent).contains("content"), text(longContent));
  }

  private static JsonArray repeated(int times, String value) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < times; i++) {
      out.add(i + value.substring(String.valueOf(i).length()));
    }
    return out;
  }

  @Test
  void defaults_are_the_rest_apis_general_and_one_half() {
    JsonObject result = callResult("memory_store", new JsonObject().put("title", "Plain").put("content", "Text."));
    String id = result.getJsonObject("structuredContent").getString("memory_id");

    JsonObject stored = api.get("/memories/" + id).bodyAsJsonObject();

    assertEquals("general", stored.getString("memory_type"));
    assertEquals(0.5, stored.getDouble("importance_score"));
    assertEquals(0.5, stored.getDouble("confidence_score"));
  }

  @Test
  void a_long_index_is_cut_at_the_text_budget_and_says_where_to_go_on() {
    Api big = Api.newWorkspace("mcp-big");
    for (int i = 0; i < 40; i++) {
      big.store(String.format("%02d ", i) + "long title ".repeat(40), "Narrative " + i);
    }

    JsonObject result = callResult(big.key(), "memory_get_index", new JsonObject().put("limit", 40));
    JsonObject structured = result.getJsonObject("structuredContent");

    assertFalse(result.getBoolean("isError"));
    assertTrue(text(result).length() <= ToolResults.TEXT_BUDGET + 300, "text of " + text(result).length());
    assertTrue(structured.getBoolean("truncated"));
    int shown = structured.getInteger("count");
    assertTrue(shown > 0 && shown < 40, "shown " + shown);
    assertEquals(40 - shown, structured.getInteger("not_shown"));
    assertEquals(shown, structured.getInteger("next_offset"));
    assertTrue(text(result).contains("offset=" + shown), text(result));
  }

  // --- helpers

  private static void assertUnauthorized(HttpResponse<Buffer> res) {
    assertEquals(401, res.statusCode(), res.bodyAsString());
    assertNotNull(res.bodyAsJsonObject().getString("detail"), res.bodyAsString());
  }

  /**
   * Every tool, called with another workspace's ids, words and files: nothing of that workspace is shown or
   * changed (the tools that take an id answer not found, the others find only the caller's own memories).
   */
  @Test
  void every_tool_with_another_workspaces_ids_words_and_files_reads_and_changes_nothing_there() {
    Api victim = Api.newWorkspace("mcp-victim");
    List<String> victimIds = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      victimIds.add(victim.store(new JsonObject().put("title", "Zanzibarquux secret " + i)
          .put("narrative", "Only the victim workspace may read the zanzibarquux rollout plan " + i + ".")
          .put("source_files", new JsonArray().add("victim/secret.py"))).getString("memory_id"));
    }
    JsonArray before = victim.list("?limit=100&ordering=created_at");
    String intruder = Api.newWorkspace("mcp-intruder").key();
    String id = victimIds.get(0);
    Map<String, JsonObject> calls = new LinkedHashMap<>();
    calls.put(MemoryTools.SEARCH, new JsonObject().put("query", "zanzibarquux rollout plan").put("include_content", true));
    calls.put(MemoryTools.GET_INDEX, new JsonObject());
    calls.put(MemoryTools.GET_TIMELINE, new JsonObject().put("include_content", true));
    calls.put(MemoryTools.GET_DETAIL, new JsonObject().put("memory_id", id).put("include_related", true));
    calls.put(MemoryTools.GET_RELATED, new JsonObject().put("memory_id", id));
    calls.put(MemoryTools.BY_FILE, new JsonObject().put("file_path", "victim/secret.py").put("include_content", true));
    calls.put(MemoryTools.EXPLORE, new JsonObject().put("query", "zanzibarquux rollout plan"));
    calls.put(MemoryTools.RATE, new JsonObject().put("memory_id", id).put("useful", false));
    calls.put(MemoryTools.STORE, new JsonObject().put("title", "The intruder's own").put("content",
        "Stored with the intruder's key; it must land in the intruder's workspace."));
    assertEquals(Set.copyOf(TOOLS), calls.keySet(), "every tool is called");

    for (Map.Entry<String, JsonObject> call : calls.entrySet()) {
      JsonObject result = callResult(intruder, call.getKey(), call.getValue());
      String seen = result.encode();
      String lower = seen.toLowerCase(java.util.Locale.ROOT);
      boolean showsText = lower.contains("zanzibarquux secret") || lower.contains("victim workspace may read");
      boolean showsAnId = victimIds.stream().anyMatch(v -> seen.contains(v) && !call.getValue().encode().contains(v));
      assertFalse(showsText || showsAnId, call.getKey() + " showed the other workspace: " + seen);
      if (call.getValue().containsKey("memory_id")) {
        assertTrue(result.getBoolean("isError"), call.getKey() + " on another workspace's id: " + result.encode());
        assertTrue(text(result).contains("not found"), text(result));
      }
    }
    assertEquals(before, victim.list("?limit=100&ordering=created_at"), "the other workspace holds what it held");
    assertEquals(2, victim.get("/workspace").bodyAsJsonObject().getInteger("memory_count"));
  }

  private static HttpRequest<Buffer> request(String authorization) {
    HttpRequest<Buffer> req = TestService.http().post(McpEndpoint.PATH)
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json, text/event-stream");
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    return req;
  }

  private static HttpResponse<Buffer> post(String authorization, String body) {
    return request(authorization).sendBuffer(Buffer.buffer(body)).await();
  }

  private String toolCall(String tool, JsonObject arguments) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", nextId++).put("method", "tools/call")
        .put("params", new JsonObject().put("name", tool).put("arguments", arguments)).encode();
  }

  private String storeCall() {
    return toolCall("memory_store", new JsonObject().put("title", "Should not be stored").put("content", "No."));
  }

  /** The CallToolResult of one tools/call, which must be a JSON-RPC result (not a protocol error). */
  private JsonObject callResult(String tool, JsonObject arguments) {
    return callResult(api.key(), tool, arguments);
  }

  private JsonObject callResult(String key, String tool, JsonObject arguments) {
    HttpResponse<Buffer> res = post("Bearer " + key, toolCall(tool, arguments));
    assertEquals(200, res.statusCode(), res.bodyAsString());
    JsonObject body = res.bodyAsJsonObject();
    assertNotNull(body.getJsonObject("result"), body.encode());
    return body.getJsonObject("result");
  }

  private static String text(JsonObject callToolResult) {
    return callToolResult.getJsonArray("content").getJsonObject(0).getString("text");
  }

  /** Runs client.mjs against this service; its stdout is one JSON object of what it saw. */
  private static JsonObject runClient(String key) throws IOException, InterruptedException {
    String url = "http://127.0.0.1:" + TestService.get().httpPort() + McpEndpoint.PATH;
    return Commands.lastJsonLine(Commands.run(CLIENT_DIR, OUTPUT_DIR, Duration.ofMinutes(2),
        Map.of("MCP_URL", url, "MCP_KEY", key), "node", "client.mjs"));
  }
}
