package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets never stored: one secret of each kind the redactor knows, sent the ways a client writes text (an
 * observation's hook payload, a memory stored, a memory edited), then the database read back. Only the markers
 * and the counts are there; the insight and the session show the counts.
 */
class SecretRedactionApiTest {
  /** kind, a text as it would be sent, and the secret in it. */
  private record Sample(String kind, String text, String secret) {
  }

  private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
      + "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  private static final String RSA_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";

  private static final List<Sample> SAMPLES = List.of(
      new Sample("private_key", "$ cat deploy/key.pem\n-----BEGIN RSA PRIVATE KEY-----\n" + RSA_BODY
          + "\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----\n",
          RSA_BODY),
      new Sample("aws_access_key", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "AKIAIOSFODNN7EXAMPLE"),
      new Sample("aws_secret_key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
          "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
      new Sample("github_token", "export GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
          "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"),
      new Sample("gitlab_token", "curl --header \"PRIVATE-TOKEN: glpat-9ZkYq3Lm7Tn2Vw8Xb4Rc\" https://gitlab.example.com",
          "glpat-9ZkYq3Lm7Tn2Vw8Xb4Rc"),
      new Sample("slack_token", "SLACK_BOT_TOKEN=xoxb-2734569120-4821736501234-Qm7ZtK9pLw3RvX8nB2cY5dF1",
          "xoxb-2734569120-4821736501234-Qm7ZtK9pLw3RvX8nB2cY5dF1"),
      new Sample("slack_webhook", "url: https://hooks.slack.com/services/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",
          "q8Wz3xYt7UvR1sNm4PkL6oJh"),
      new Sample("stripe_key", "Stripe.apiKey = \"sk_live_51M0OGr4hTxoF54Fzbka8FRCztUjAwyu\";",
          "sk_live_51M0OGr4hTxoF54Fzbka8FRCztUjAwyu"),
      new Sample("openai_key", "client = OpenAI(api_key=\"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\")",
          "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"),
      new Sample("anthropic_key", "export ANTHROPIC_API_KEY=sk-ant-api03-sZfYcMMDktXP-tKsf2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6"
          + "-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjlsHUqAA", "sZfYcMMDktXP-tKsf2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6"),
      new Sample("google_api_key", "apiKey: \"AIza1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4\",",
          "AIza1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4"),
      new Sample("npm_token", "//registry.npmjs.org/:_authToken=npm_KY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Q",
          "npm_KY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Q"),
      new Sample("huggingface_token", "huggingface-cli login --token hf_wb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3Jr",
          "hf_wb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3Jr"),
      new Sample("pypi_token", "password = pypi-AgEIcHlwaS5vcmcz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2HZt",
          "AgEIcHlwaS5vcmcz5r1pY4OjE2jBMptUsGr7CmY"),
      new Sample("sendgrid_key", "SENDGRID_API_KEY='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'",
          "99NksnRH9ucAUsdMlHUvTCQCyEZDz"),
      new Sample("azure_storage_key", "AccountName=mnemo;AccountKey=nD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61"
          + "qtc4xatws8phP9nhFyJfm5di4PzJ59FH==;EndpointSuffix=core.windows.net", "nD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8"),
      new Sample("jwt", "{\"id_token\": \"" + JWT + "\"}", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
      new Sample("connection_string_password", "DATABASE_URL=postgresql://mnemo:S3cr3t-Pa55@db.internal:5432/mnemo",
          "S3cr3t-Pa55"),
      new Sample("password_assignment", "{\"username\": \"admin\", \"password\": \"Tr0ub4dor!x3\"}", "Tr0ub4dor!x3"),
      new Sample("bearer_token", "curl -H \"Authorization: Bearer 3a0aac36098b2cc2bd818319478da6bd0c621de4\" https://x",
          "3a0aac36098b2cc2bd818319478da6bd0c621de4"),
      new Sample("basic_auth", "> Authorization: Basic bWVtbzpodW50ZXIyeA==", "bWVtbzpodW50ZXIyeA=="));

  private static JsonObject ok(int status, HttpResponse<Buffer> res) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  /** Every text column the workspace's rows of these tables hold, as stored. */
  private static String storedTexts(String workspaceId) {
    StringBuilder all = new StringBuilder();
    for (String sql : List.of("SELECT content FROM observation WHERE workspace_id = $1",
        "SELECT title || ' ' || narrative FROM memory WHERE workspace_id = $1")) {
      for (Row r : TestService.get().pool().preparedQuery(sql).execute(Tuple.of(workspaceId)).await()) {
        all.append(r.getString(0)).append('\n');
      }
    }
    return all.toString();
  }

  @Test
  void each_kind_sent_in_an_observation_a_stored_memory_and_an_edit_is_stored_only_as_its_marker() {
    Api api = Api.newWorkspace("secrets");
    String workspaceId = ok(200, api.get("/workspaces/mine/insight")).getString("workspace_id");
    String sessionId = "sess-secrets-1";
    JsonArray observations = new JsonArray();
    for (int i = 0; i < SAMPLES.size(); i++) {
      String payload = new JsonObject().put("tool_name", "Bash").put("tool_input", new JsonObject().put("command", "cat"))
          .put("tool_response", new JsonObject().put("stdout", SAMPLES.get(i).text())).encode();
      observations.add(new JsonObject().put("observation_id", "obs-" + i).put("session_id", sessionId)
          .put("observed_at", "2026-12-04T10:00:" + (10 + i) + "Z").put("category", "Bash").put("content", payload));
    }
    JsonObject batch = ok(200, api.post("/observations/batch", new JsonObject().put("observations", observations)));
    List<String> memoryIds = new ArrayList<>();
    for (Sample s : SAMPLES) {
      memoryIds.add(api.store("Deploy notes for " + s.kind(), "We ran:\n" + s.text()).getString("memory_id"));
    }
    JsonObject plain = api.store("Plain notes", "Nothing secret here.");
    String edited = plain.getString("memory_id");
    ok(200, api.patch("/memories/" + edited, new JsonObject().put("narrative", SAMPLES.get(3).text())));

    String stored = storedTexts(workspaceId);
    Map<String, Integer> expected = new TreeMap<>();
    for (Sample s : SAMPLES) {
      assertFalse(stored.contains(s.secret()), s.kind() + "'s secret was stored");
      assertTrue(stored.contains("[REDACTED:" + s.kind() + "]"), s.kind() + "'s marker is missing");
      expected.put(s.kind(), 2);
    }
    expected.merge("github_token", 1, Integer::sum);   // the edit
    Map<String, Integer> inBatch = new TreeMap<>();
    SAMPLES.forEach(s -> inBatch.put(s.kind(), 1));
    assertEquals(new JsonObject(new TreeMap<>(inBatch)), batch.getJsonObject("redacted"));
    assertEquals(new JsonObject(new TreeMap<>(inBatch)), ok(200, api.get("/sessions/" + sessionId))
        .getJsonObject("redacted_secrets"));
    assertEquals(new JsonObject(new TreeMap<>(expected)), ok(200, api.get("/workspaces/mine/insight"))
        .getJsonObject("redacted_secrets"));
    assertTrue(ok(200, api.get("/memories/" + memoryIds.get(0))).getString("narrative")
        .contains("[REDACTED:private_key]"));
  }

  @Test
  void replaying_a_batch_counts_nothing_twice_and_a_workspace_without_secrets_shows_none() {
    Api api = Api.newWorkspace("secrets-replay");
    JsonObject body = new JsonObject().put("observations", new JsonArray().add(new JsonObject()
        .put("observation_id", "obs-1").put("session_id", "sess-r").put("observed_at", "2026-12-04T10:00:00Z")
        .put("category", "Bash").put("content", SAMPLES.get(1).text())));
    assertEquals(new JsonObject(), ok(200, api.get("/workspaces/mine/insight")).getJsonObject("redacted_secrets"));

    ok(200, api.post("/observations/batch", body));
    JsonObject again = ok(200, api.post("/observations/batch", body));

    assertEquals(0, again.getInteger("stored"));
    assertEquals(new JsonObject().put("aws_access_key", 1),
        ok(200, api.get("/workspaces/mine/insight")).getJsonObject("redacted_secrets"));
  }
}
