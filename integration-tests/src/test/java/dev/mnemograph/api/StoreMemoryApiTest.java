package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreMemoryApiTest {
  private Api api;

  @BeforeAll
  void workspace() {
    api = Api.newWorkspace("store");
  }

  /** The reference page's curl example, unchanged but for host and key. */
  static JsonObject referenceExample() {
    return new JsonObject("""
        {
          "title": "Prefer async SQLAlchemy for all DB calls",
          "narrative": "All database operations must use async/await. Sync calls block the event loop and cause latency spikes under load.",
          "memory_type": "pattern",
          "tags": ["sqlalchemy", "async", "backend"],
          "concepts": ["async", "database", "performance"],
          "source_files": ["api/neuroloom_api/database.py"],
          "importance_score": 0.9,
          "confidence_score": 0.95
        }""");
  }

  @Test
  void stores_the_reference_example_and_answers_the_full_memory_object() {
    HttpResponse<Buffer> res = api.post("/memories/store", referenceExample());

    assertEquals(201, res.statusCode());
    JsonObject m = res.bodyAsJsonObject();
    assertEquals(List.of("id", "memory_id", "workspace_id", "title", "narrative", "memory_type", "tags", "concepts",
        "source_files", "importance_score", "confidence_score", "pagerank_score", "community_label", "access_count",
        "retrieval_count", "last_accessed_at", "source_session_id", "is_consolidated", "consolidated_from",
        "created_at", "updated_at"), List.copyOf(m.fieldNames()));
    assertTrue(m.getString("memory_id").matches("mem-[a-z0-9]{16}"), m.getString("memory_id"));
    assertTrue(m.getString("workspace_id").matches("ws-[a-z0-9]{12}"), m.getString("workspace_id"));
    assertTrue(m.getString("id").matches("[0-9a-f-]{36}"));
    assertEquals("pattern", m.getString("memory_type"));
    assertEquals(new JsonArray(List.of("sqlalchemy", "async", "backend")), m.getJsonArray("tags"));
    assertEquals(new JsonArray(List.of("api/neuroloom_api/database.py")), m.getJsonArray("source_files"));
    assertEquals(0.9, m.getDouble("importance_score"));
    assertEquals(0.95, m.getDouble("confidence_score"));
    assertNull(m.getValue("pagerank_score"));
    assertNull(m.getValue("community_label"));
    assertEquals(0, m.getInteger("access_count"));
    assertEquals(false, m.getBoolean("is_consolidated"));
    assertNull(m.getValue("updated_at"));
    assertTrue(m.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
        m.getString("created_at"));
  }

  @Test
  void fills_in_the_documented_defaults() {
    JsonObject m = api.store("Minimal", "Only the required fields.");

    assertEquals("general", m.getString("memory_type"));
    assertEquals(0.5, m.getDouble("importance_score"));
    assertEquals(0.5, m.getDouble("confidence_score"));
    assertEquals(new JsonArray(), m.getJsonArray("tags"));
    assertEquals(new JsonArray(), m.getJsonArray("concepts"));
    assertEquals(new JsonArray(), m.getJsonArray("source_files"));
  }

  @Test
  void accepts_a_title_of_exactly_500_characters_and_scores_at_the_bounds() {
    JsonObject m = api.store(new JsonObject().put("title", "t".repeat(500)).put("narrative", "n")
        .put("importance_score", 0).put("confidence_score", 1));

    assertEquals(500, m.getString("title").length());
    assertEquals(0.0, m.getDouble("importance_score"));
    assertEquals(1.0, m.getDouble("confidence_score"));
  }

  @Test
  void rejects_a_title_of_501_characters_naming_the_field() {
    JsonObject body = referenceExample().put("title", "t".repeat(501));

    assertValidationError(api.post("/memories/store", body), List.of("body", "title"), "string_too_long");
  }

  @Test
  void rejects_scores_outside_zero_to_one() {
    assertValidationError(api.post("/memories/store", referenceExample().put("importance_score", 1.01)),
        List.of("body", "importance_score"), "less_than_equal");
    assertValidationError(api.post("/memories/store", referenceExample().put("confidence_score", -0.1)),
        List.of("body", "confidence_score"), "greater_than_equal");
  }

  @Test
  void rejects_a_missing_required_field() {
    JsonObject body = referenceExample();
    body.remove("narrative");

    assertValidationError(api.post("/memories/store", body), List.of("body", "narrative"), "missing");
  }

  @Test
  void takes_every_type_neuroloom_s_plugin_stores() {
    for (String type : List.of("bug_fix", "integration", "configuration", "debugging", "refactoring", "documentation",
        "learning", "dependency", "performance", "security")) {
      HttpResponse<Buffer> res = api.post("/memories/store", referenceExample().put("memory_type", type));
      assertEquals(201, res.statusCode(), res.bodyAsString());
      assertEquals(type, res.bodyAsJsonObject().getString("memory_type"));
    }
  }

  @Test
  void rejects_an_unknown_memory_type() {
    assertValidationError(api.post("/memories/store", referenceExample().put("memory_type", "gossip")),
        List.of("body", "memory_type"), "enum");
  }

  @Test
  void rejects_unknown_fields_instead_of_ignoring_them() {
    assertValidationError(api.post("/memories/store", referenceExample().put("pagerank_score", 1.0)),
        List.of("body", "pagerank_score"), "extra_forbidden");
  }

  @Test
  void rejects_wrongly_typed_fields() {
    assertValidationError(api.post("/memories/store", referenceExample().put("tags", "not-a-list")),
        List.of("body", "tags"), "type_error");
    assertValidationError(api.post("/memories/store", referenceExample().put("tags", new JsonArray().add(1))),
        List.of("body", "tags", 0), "type_error");
  }

  @Test
  void reports_every_bad_field_at_once() {
    JsonObject body = referenceExample().put("title", "t".repeat(501)).put("importance_score", 2);

    JsonArray detail = api.post("/memories/store", body).bodyAsJsonObject().getJsonArray("detail");

    assertEquals(2, detail.size(), detail.encode());
  }

  @Test
  void malformed_json_is_a_422_that_says_so_and_stores_nothing() {
    int before = api.list("?limit=500").size();
    HttpResponse<Buffer> res = api.request(HttpMethod.POST, "/memories/store")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"title\": \"x\", \"narrative\": ")).await();

    assertEquals(422, res.statusCode(), res.bodyAsString());
    assertEquals("json_invalid", res.bodyAsJsonObject().getJsonArray("detail").getJsonObject(0).getString("type"));
    assertEquals(before, api.list("?limit=500").size());
  }

  @Test
  void an_empty_body_is_a_422() {
    HttpResponse<Buffer> res = api.request(HttpMethod.POST, "/memories/store")
        .putHeader("Content-Type", "application/json").send().await();

    assertEquals(422, res.statusCode(), res.bodyAsString());
  }

  @Test
  void a_body_that_is_not_json_is_a_415() {
    HttpResponse<Buffer> res = api.request(HttpMethod.POST, "/memories/store")
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("hello")).await();

    assertEquals(415, res.statusCode(), res.bodyAsString());
    assertTrue(res.bodyAsJsonObject().getString("detail").contains("application/json"));
  }

  @Test
  void a_body_over_256_kib_is_a_413_with_a_json_detail() {
    JsonObject body = referenceExample().put("narrative", "x".repeat(256 * 1024));

    HttpResponse<Buffer> res = api.post("/memories/store", body);

    assertEquals(413, res.statusCode());
    assertTrue(res.bodyAsJsonObject().getString("detail").contains("262144"), res.bodyAsString());
  }

  @Test
  void a_memory_with_every_list_and_the_narrative_at_its_bound_is_stored_whole() {
    JsonObject body = atTheBounds();

    JsonObject m = api.store(body);

    for (String field : List.of("narrative", "tags", "concepts", "source_files")) {
      assertEquals(body.getValue(field), m.getValue(field), field);
    }
  }

  @Test
  void a_list_or_narrative_past_its_bound_is_a_422_naming_the_field_on_store_and_on_update() {
    String id = api.store("bounded", "n").getString("memory_id");
    for (String field : List.of("tags", "concepts", "source_files")) {
      JsonArray oneTooMany = atTheBounds().getJsonArray(field).copy().add("x");
      assertValidationError(api.post("/memories/store", atTheBounds().put(field, oneTooMany)), List.of("body", field),
          "too_long");
      assertValidationError(api.patch("/memories/" + id, new JsonObject().put(field, oneTooMany)), List.of("body", field),
          "too_long");
      JsonArray oneTooLong = new JsonArray().add("x".repeat(field.equals("source_files") ? 1001 : 201));
      assertValidationError(api.post("/memories/store", atTheBounds().put(field, oneTooLong)),
          List.of("body", field, 0), "string_too_long");
      assertValidationError(api.patch("/memories/" + id, new JsonObject().put(field, oneTooLong)),
          List.of("body", field, 0), "string_too_long");
    }
    String narrative = "y".repeat(100_001);
    assertValidationError(api.post("/memories/store", atTheBounds().put("narrative", narrative)),
        List.of("body", "narrative"), "string_too_long");
    assertValidationError(api.patch("/memories/" + id, new JsonObject().put("narrative", narrative)),
        List.of("body", "narrative"), "string_too_long");
    assertEquals("n", api.get("/memories/" + id).bodyAsJsonObject().getString("narrative"), "nothing changed");
  }

  /** Every bound of the contract at once: 50 tags and 50 concepts of 200 characters, 100 files of 1,000. */
  private static JsonObject atTheBounds() {
    JsonArray tags = new JsonArray();
    JsonArray concepts = new JsonArray();
    JsonArray files = new JsonArray();
    for (int i = 0; i < 100; i++) {
      String n = String.format("%03d", i);
      if (i < 50) {
        tags.add(n + "t".repeat(197));
        concepts.add(n + "c".repeat(197));
      }
      files.add("src/" + n + "/" + "f".repeat(992));
    }
    return new JsonObject().put("title", "t".repeat(500)).put("narrative", "y".repeat(100_000))
        .put("tags", tags).put("concepts", concepts).put("source_files", files);
  }

  static void assertValidationError(HttpResponse<Buffer> res, List<Object> loc, String type) {
    assertEquals(422, res.statusCode(), res.bodyAsString());
    JsonArray detail = res.bodyAsJsonObject().getJsonArray("detail");
    boolean found = false;
    for (int i = 0; i < detail.size(); i++) {
      JsonObject d = detail.getJsonObject(i);
      assertTrue(d.getString("msg") != null && !d.getString("msg").isBlank(), d.encode());
      if (d.getJsonArray("loc").getList().equals(loc) && type.equals(d.getString("type"))) {
        found = true;
      }
    }
    assertTrue(found, "expected loc " + loc + " type " + type + " in " + detail.encode());
  }

  static {
    TestService.get();
  }
}
