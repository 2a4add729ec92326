package dev.mnemograph.api;

import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.api.openapi.Operations;
import dev.mnemograph.support.Api;
import dev.mnemograph.support.ContractOperations.Operation;
import dev.mnemograph.support.ContractOperations;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.NewApiKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workspace isolation, generated from the contract: every operation, called with another workspace's key and
 * with this workspace's ids in every id slot (the path, the body's id fields, alone or next to the caller's own
 * ids), this workspace's words as the query, its tags, concepts and files as filters, and one of its
 * Idempotency-Keys; then every MCP tool the same way, from the tool's own input schema. Each request is valid
 * apart from whose ids it names, so it reaches the handler. Asserted as the owner would see it: an answer that
 * names the owner's memory by id is 404 (a batch delete counts only the caller's own), no answer carries the
 * owner's text, ids or workspace, and afterwards every row of the owner's workspace (memories with their counts
 * and scores, relationships, ratings, embeddings, idempotency keys, graph state, jobs) is as it was.
 */
class ContractIsolationTest {
  /** In the owner's memories only: an answer that contains it shows the owner's text. */
  private static final String MARKER = "vexilloid";
  /** Words both workspaces' memories share, so a search has the owner's memories to find if it looked there. */
  private static final String QUERY = "quillwort rollout plan";
  private static final String OWNER_TAG = "owner-only-tag";
  /** The owner's session (with an observation), and the intruder's own, for the session paths' id slot. */
  private static final String OWNER_SESSION = "sess-isolation-owner";
  private static final String INTRUDER_SESSION = "sess-isolation-intruder";
  /** Each start the probes send is a session of its own (the same id with other fields is a 409, rightly). */
  private static final AtomicInteger SESSIONS = new AtomicInteger();
  private static final String OWNER_CONCEPT = "owner-only-concept";
  private static final String OWNER_FILE = "owner/secret/Vault.java";
  private static final String OWNER_TYPE = "incident";
  /** The Idempotency-Key of the owner's first store, replayed with that very request under the other key. */
  private static final String REPLAYED_KEY = "isolation-owner-replayed";

  private enum Slot { OWNER, CALLER }

  private final NewApiKey ownerKey = TestService.newWorkspace("isolation-owner");
  private final Api owner = new Api(ownerKey.key());
  private final NewApiKey intruderKey = TestService.newWorkspace("isolation-intruder");
  private final Api intruder = new Api(intruderKey.key());
  private final String intruderWorkspace = intruderKey.workspace().workspaceId();
  private final List<String> ownerIds = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  @Test
  void no_operation_or_tool_reads_or_changes_another_workspace() {
    JsonObject ownerStore = ownerMemory(0);
    ownerIds.add(storeWithKey(owner, ownerStore, REPLAYED_KEY).bodyAsJsonObject().getString("memory_id"));
    ownerIds.add(storeWithKey(owner, ownerMemory(1), ownersKey("storeMemory")).bodyAsJsonObject()
        .getString("memory_id"));
    ownerIds.add(owner.store(ownerMemory(2)).getString("memory_id"));
    assertEquals(201, owner.post("/sessions/start", new JsonObject().put("session_id", OWNER_SESSION)
        .put("project_name", MARKER)).statusCode());
    assertEquals(200, owner.post("/observations/batch", new JsonObject().put("observations", new JsonArray()
        .add(new JsonObject().put("observation_id", "obs-isolation-owner").put("session_id", OWNER_SESSION)
            .put("observed_at", "2026-12-04T10:00:00Z").put("category", "Bash")
            .put("content", "Only the owner may read the " + MARKER + " build log."))))
        .statusCode());
    assertEquals(201, intruder.post("/sessions/start", new JsonObject().put("session_id", INTRUDER_SESSION))
        .statusCode());
    assertEquals(201, owner.request(HttpMethod.POST, "/memories/" + ownerIds.get(0) + "/relationships")
        .putHeader("Idempotency-Key", ownersKey("addRelationship")).sendJsonObject(new JsonObject()
            .put("target_memory_id", ownerIds.get(1)).put("relationship_type", "depends_on")).await().statusCode());
    assertEquals(201, owner.request(HttpMethod.POST, "/memories/" + ownerIds.get(0) + "/feedback")
        .putHeader("Idempotency-Key", ownersKey("recordMemoryFeedback"))
        .sendJsonObject(new JsonObject().put("useful", true)).await().statusCode());
    String callerId = intruder.store(new JsonObject().put("title", "The intruder's quillwort rollout plan")
        .put("narrative", "The intruder's own notes on the quillwort rollout plan.").put("memory_type", OWNER_TYPE))
        .getString("memory_id");
    List<String> settled = new ArrayList<>(ownerIds);
    settled.add(callerId);
    Jobs.awaitSettled(settled, Duration.ofSeconds(120));
    String before = ownerState();

    ContractOperations contract = ContractOperations.load(TestService.get().vertx());
    // deletes last, so that the caller's own memory is there for every other operation
    List<Operation> operations = contract.operations().stream()
        .sorted(Comparator.comparing(ContractIsolationTest::deletes)).toList();
    int requests = 0;
    int withOwnerIds = 0;
    for (Operation op : operations) {
      for (Map<String, Object> variant : variants(contract, op)) {
        for (List<Slot> slots : slotAssignments(op, variant)) {
          String ownId = deletes(op)
              ? intruder.store("The intruder's own, to delete", "Deletable.").getString("memory_id") : callerId;
          requests++;
          withOwnerIds += slots.contains(Slot.OWNER) ? 1 : 0;
          probeRest(op, variant, slots, ownId);
        }
      }
    }
    int toolCalls = probeMcpTools(contract);

    // last, as it puts the owner's text in the caller's workspace: the owner's very request, replayed with the
    // owner's Idempotency-Key under the other key, is a new memory of the caller's, not the owner's answer again
    HttpResponse<Buffer> replay = storeWithKey(intruder, ownerStore, REPLAYED_KEY);
    requests++;
    check("storeMemory replaying the owner's request and Idempotency-Key",
        !ownerIds.contains(replay.bodyAsJsonObject().getString("memory_id"))
            && intruderWorkspace.equals(replay.bodyAsJsonObject().getString("workspace_id")), replay);

    List<String> created = intruder.list("?limit=500").stream().map(m -> ((JsonObject) m).getString("memory_id"))
        .toList();
    Jobs.awaitSettled(created, Duration.ofSeconds(180));   // the caller's new memories, discovered and linked
    System.out.println("ContractIsolationTest: " + requests + " requests over " + operations.size()
        + " operations (" + withOwnerIds + " naming the other workspace's ids) and " + toolCalls
        + " MCP tool calls, all with another workspace's key; " + problems.size() + " problems");
    assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    assertEquals(before, ownerState(), "every row of the owner's workspace is as it was");
  }

  private static HttpResponse<Buffer> storeWithKey(Api api, JsonObject memory, String idempotencyKey) {
    HttpResponse<Buffer> res = api.request(HttpMethod.POST, "/memories/store")
        .putHeader("Idempotency-Key", idempotencyKey).sendJsonObject(memory).await();
    assertEquals(201, res.statusCode(), res.bodyAsString());
    return res;
  }

  private static boolean deletes(Operation op) {
    return op.id().toLowerCase(Locale.ROOT).contains("delete");
  }

  /** The Idempotency-Key the owner sent with its own request of this operation. */
  private static String ownersKey(String operationId) {
    return "isolation-owner-" + operationId;
  }

  private static JsonObject ownerMemory(int i) {
    return new JsonObject().put("title", "Owner " + MARKER + " quillwort rollout plan " + i)
        .put("narrative", "Only the owner may read the " + MARKER + " quillwort rollout plan " + i + ".")
        .put("memory_type", OWNER_TYPE).put("tags", new JsonArray().add(OWNER_TAG))
        .put("concepts", new JsonArray().add(OWNER_CONCEPT)).put("source_files", new JsonArray().add(OWNER_FILE));
  }

  // --- REST ---------------------------------------------------------------------------------------------------

  /**
   * The requests an operation gets: its required fields only, then each optional body field and each query
   * parameter added alone (with every filter at once, an empty answer would prove little). Keys are body field
   * names, {@code ?name} for query parameters and {@code Idempotency-Key} for that header.
   */
  private List<Map<String, Object>> variants(ContractOperations contract, Operation op) {
    Map<String, Object> required = new LinkedHashMap<>();
    List<Map.Entry<String, Object>> optional = new ArrayList<>();
    if (op.bodySchema() != null) {
      JsonObject props = op.bodySchema().getJsonObject("properties", new JsonObject());
      JsonArray req = op.bodySchema().getJsonArray("required", new JsonArray());
      for (String name : props.fieldNames()) {
        Object value = value(contract, name, contract.resolve(props.getJsonObject(name)));
        if (req.contains(name)) {
          required.put(name, value);
        } else {
          optional.add(Map.entry(name, value));
        }
      }
    }
    for (JsonObject p : op.parameters("query")) {
      optional.add(Map.entry("?" + p.getString("name"), value(contract, p.getString("name"),
          contract.resolve(p.getJsonObject("schema")))));
    }
    if (!op.parameters("header").isEmpty()) {
      optional.add(Map.entry("Idempotency-Key", ownersKey(op.id())));
    }
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(required);
    for (Map.Entry<String, Object> o : optional) {
      Map<String, Object> v = new LinkedHashMap<>(required);
      v.put(o.getKey(), o.getValue());
      out.add(v);
    }
    return out;
  }

  /** A valid value for a field, pointed at the owner's data where the field filters or searches. */
  private static Object value(ContractOperations contract, String name, JsonObject schema) {
    if (schema.containsKey("enum")) {
      JsonArray values = schema.getJsonArray("enum");
      return values.contains(OWNER_TYPE) ? OWNER_TYPE : values.getValue(0);
    }
    // a nullable field ({"type": [object, "null"]}) gets a value of its type
    String type = schema.getValue("type") instanceof JsonArray types
        ? types.stream().map(String::valueOf).filter(t -> !t.equals("null")).findFirst().orElse("string")
        : schema.getString("type", "string");
    switch (type) {
      case "array" -> {
        JsonObject items = contract.resolve(schema.getJsonObject("items", new JsonObject()));
        if (items.containsKey("enum")) {   // every value: the filter lets everything of those kinds through
          JsonArray all = items.getJsonArray("enum");
          return new JsonArray(all.getList().subList(0, Math.min(all.size(), schema.getInteger("maxItems", 100))));
        }
        return new JsonArray().add(value(contract, name, items));
      }
      case "integer" -> {
        return schema.getValue("default", schema.getValue("minimum", 1));
      }
      case "object" -> {   // its properties, each as above (an item of a batch, say)
        JsonObject out = new JsonObject();
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        for (String property : properties.fieldNames()) {
          out.put(property, value(contract, property, contract.resolve(properties.getJsonObject(property))));
        }
        return out;
      }
      case "number" -> {   // the least: thresholds at their most inclusive
        return schema.getValue("minimum", schema.getValue("default", 0.5));
      }
      case "boolean" -> {
        return true;
      }
      default -> {
        return switch (name) {
          case "query" -> QUERY;
          case "tags" -> OWNER_TAG;
          case "tag_prefixes" -> OWNER_TAG.substring(0, 6);
          case "concepts" -> OWNER_CONCEPT;
          case "source_files" -> OWNER_FILE;
          default -> "the intruder's " + name;
        };
      }
    }
  }

  /** Where a memory id goes: the path's, and the body's id fields (a list of ids: two of them). */
  private static List<String> idSlots(Operation op, Map<String, Object> variant) {
    List<String> slots = new ArrayList<>();
    op.parameters("path").forEach(p -> slots.add("path:" + p.getString("name")));
    for (String field : variant.keySet()) {
      if (field.endsWith("memory_id")) {
        slots.add(field);
      } else if (field.endsWith("memory_ids")) {
        slots.add(field + "[0]");
        slots.add(field + "[1]");
      }
    }
    return slots;
  }

  /** Every way to fill the id slots with the owner's ids and the caller's own, at least one the owner's. */
  private static List<List<Slot>> slotAssignments(Operation op, Map<String, Object> variant) {
    int n = idSlots(op, variant).size();
    List<List<Slot>> out = new ArrayList<>();
    if (n == 0) {
      out.add(List.of());
      return out;
    }
    for (int bits = 1; bits < 1 << n; bits++) {
      List<Slot> slots = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        slots.add((bits >> i & 1) == 1 ? Slot.OWNER : Slot.CALLER);
      }
      out.add(slots);
    }
    return out;
  }

  private void probeRest(Operation op, Map<String, Object> variant, List<Slot> slots, String callerId) {
    List<String> names = idSlots(op, variant);
    Map<String, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {   // the owner's ids in turn: two owner slots name two memories
      if (names.get(i).equals("path:session_id")) {
        ids.put(names.get(i), slots.get(i) == Slot.OWNER ? OWNER_SESSION : INTRUDER_SESSION);
      } else {
        ids.put(names.get(i), slots.get(i) == Slot.OWNER ? ownerIds.get(i % ownerIds.size()) : callerId);
      }
    }
    String path = op.path().substring(Operations.BASE_PATH.length());
    JsonObject body = op.bodySchema() == null ? null : new JsonObject();
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    String idempotencyKey = null;
    for (Map.Entry<String, String> id : ids.entrySet()) {
      if (id.getKey().startsWith("path:")) {
        path = path.replace("{" + id.getKey().substring(5) + "}", id.getValue());
      }
    }
    for (Map.Entry<String, Object> field : variant.entrySet()) {
      String name = field.getKey();
      if (name.startsWith("?")) {
        Object v = field.getValue();
        String text = v instanceof JsonArray a ? a.stream().map(String::valueOf).collect(Collectors.joining(","))
            : String.valueOf(v);
        query.add(name.substring(1) + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
      } else if (name.equals("Idempotency-Key")) {
        idempotencyKey = (String) field.getValue();
      } else if (name.endsWith("memory_id")) {
        body.put(name, ids.get(name));
      } else if (name.equals("session_id")) {   // a start of its own for every request
        body.put(name, "sess-intruder-" + SESSIONS.incrementAndGet());
      } else if (name.endsWith("memory_ids")) {
        body.put(name, new JsonArray().add(ids.get(name + "[0]")).add(ids.get(name + "[1]")));
      } else {
        body.put(name, field.getValue());
      }
    }
    HttpRequest<Buffer> req = intruder.request(op.method(), path + query);
    if (idempotencyKey != null) {
      req.putHeader("Idempotency-Key", idempotencyKey);
    }
    HttpResponse<Buffer> res = (body == null ? req.send() : req.sendJsonObject(body)).await();
    String label = op.id() + " " + op.method() + " " + path + query + (body == null ? "" : " " + body.encode())
        + (idempotencyKey == null ? "" : " Idempotency-Key");
    long owners = slots.stream().filter(s -> s == Slot.OWNER).count();
    boolean expected;
    if (op.id().equals("batchDeleteMemories")) {
      expected = res.statusCode() == 200
          && res.bodyAsJsonObject().getInteger("deleted_count") == slots.size() - owners;
    } else if (owners > 0) {
      expected = res.statusCode() == 404;
    } else {
      expected = res.statusCode() / 100 == 2;
    }
    check(label, expected && !leaks(res.bodyAsString(), label), res);
  }

  // --- MCP ----------------------------------------------------------------------------------------------------

  /** Every tool from tools/list, with its required arguments only and with each optional one; the calls made. */
  private int probeMcpTools(ContractOperations contract) {
    JsonArray tools = mcp("tools/list", new JsonObject()).getJsonArray("tools");
    int calls = 0;
    for (Object t : tools) {
      JsonObject tool = (JsonObject) t;
      JsonObject schema = tool.getJsonObject("inputSchema");
      JsonObject props = schema.getJsonObject("properties", new JsonObject());
      JsonArray required = schema.getJsonArray("required", new JsonArray());
      JsonObject base = new JsonObject();
      List<String> optional = new ArrayList<>();
      for (String name : props.fieldNames()) {
        if (required.contains(name)) {
          base.put(name, toolArgument(contract, name, props.getJsonObject(name)));
        } else {
          optional.add(name);
        }
      }
      List<JsonObject> argumentSets = new ArrayList<>();
      argumentSets.add(base);
      for (String name : optional) {
        argumentSets.add(base.copy().put(name, toolArgument(contract, name, props.getJsonObject(name))));
      }
      for (JsonObject arguments : argumentSets) {
        calls++;
        String name = tool.getString("name");
        JsonObject result = mcp("tools/call", new JsonObject().put("name", name).put("arguments", arguments));
        String label = "MCP " + name + " " + arguments.encode();
        boolean namesOwner = arguments.containsKey("memory_id");
        String text = result.getJsonArray("content").getJsonObject(0).getString("text");
        boolean expected = namesOwner ? result.getBoolean("isError", false) && text.contains("not found")
            : !result.getBoolean("isError", false);
        if (!expected || leaks(result.encode(), label)) {
          problems.add(label + " -> " + result.encode());
        }
      }
    }
    return calls;
  }

  /** As {@link #value}, except that an id names the owner's first memory, a file the owner's, a rating "not useful". */
  private Object toolArgument(ContractOperations contract, String name, JsonObject schema) {
    return switch (name) {
      case "memory_id" -> ownerIds.get(0);
      case "file_path" -> OWNER_FILE;
      case "useful" -> false;
      default -> value(contract, name, schema);
    };
  }

  /** A stateless MCP request with the intruder's key (as an agent's client sends it); its JSON-RPC result. */
  private JsonObject mcp(String method, JsonObject params) {
    HttpResponse<Buffer> res = TestService.http().post(McpEndpoint.PATH)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream")
        .putHeader("Authorization", "Bearer " + intruder.key())
        .sendBuffer(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", method).put("params", params)
            .toBuffer()).await();
    assertEquals(200, res.statusCode(), res.bodyAsString());
    JsonObject result = res.bodyAsJsonObject().getJsonObject("result");
    assertTrue(result != null, method + " " + params.encode() + ": " + res.bodyAsString());
    return result;
  }

  // --- what the owner would object to ---------------------------------------------------------------------------

  /** Whether an answer shows the owner's workspace: its text, its workspace id, or an id the request did not name. */
  private boolean leaks(String answer, String request) {
    String lower = answer.toLowerCase(Locale.ROOT);
    return lower.contains(MARKER) || answer.contains(ownerKey.workspace().workspaceId())
        || ownerIds.stream().anyMatch(id -> answer.contains(id) && !request.contains(id));
  }

  private void check(String label, boolean ok, HttpResponse<Buffer> res) {
    if (!ok) {
      problems.add(label + " -> " + res.statusCode() + " " + res.bodyAsString());
    }
  }

  /** Every row of the owner's workspace, as text: equal before and after means nothing of it changed. */
  private String ownerState() {
    String[] tables = {"memory", "memory_relationship", "memory_feedback", "memory_embedding", "idempotency_key",
        "workspace_graph", "job"};
    StringBuilder out = new StringBuilder();
    for (String table : tables) {
      TreeSet<String> rows = new TreeSet<>();
      TestService.get().pool().preparedQuery("SELECT to_jsonb(t)::text FROM " + table + " t WHERE workspace_id = $1")
          .execute(Tuple.of(ownerKey.workspace().workspaceId())).await().forEach(r -> rows.add(r.getString(0)));
      out.append(table).append(": ").append(rows.size()).append(" rows\n");
      rows.forEach(r -> out.append(r).append('\n'));
    }
    return out.toString();
  }
}
