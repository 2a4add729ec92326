package dev.mnemograph.secrets;

import dev.mnemograph.secrets.SecretRedactor.Redacted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fake secrets in the places an agent meets real ones; the code and prose around them come out as they went in. */
class SecretRedactorTest {

  /** Redacts {@code text} and checks that only {@code secrets} went, each replaced by the kind's marker. */
  private static void assertRedacts(String text, String kind, String... secrets) {
    String expected = text;
    for (String secret : secrets) {
      assertTrue(text.contains(secret), "the fixture contains " + secret);
      expected = expected.replace(secret, "[REDACTED:" + kind + "]");
    }
    Redacted r = SecretRedactor.redact(text);
    assertEquals(expected, r.text());
    for (String secret : secrets) {
      assertFalse(r.text().contains(secret), secret);
    }
    assertEquals(Map.of(kind, secrets.length), r.counts());
    assertEquals(secrets.length, r.total());
  }

  private static void assertUnchanged(String text) {
    Redacted r = SecretRedactor.redact(text);
    assertSame(text, r.text(), () -> "changed to: " + r.text());
    assertEquals(Map.of(), r.counts());
    assertEquals(0, r.total());
  }

  @Test
  void private_key_blocks_go_whole_whatever_their_algorithm() {
    String openssh = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACD3x0ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2UAAAAJhmYWtl
        -----END OPENSSH PRIVATE KEY-----""";
    String rsa = """
        -----BEGIN RSA PRIVATE KEY-----
        Proc-Type: 4,ENCRYPTED
        DEK-Info: AES-128-CBC,3F17F5316E2BAC89FAKEFAKEFAKEFAKE

        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        -----END RSA PRIVATE KEY-----""";
    String ec = "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBfakefakefakefakefakefakefakefakefakefakeoAoGCCqGSM49\\n"
        + "AwEHoUQDQgAEfakefakefakefakefakefakefakefakefakefakefakefake==\\n-----END EC PRIVATE KEY-----";
    String text = "$ cat ~/.ssh/id_ed25519\n" + openssh + "\n$ cat deploy/key.pem\n" + rsa + "\nDone.\n"
        + "{\"type\": \"service_account\", \"private_key\": \"" + ec + "\\n\", \"client_email\": \"ci@x.iam\"}";

    assertRedacts(text, "private_key", openssh, rsa, ec);
  }

  @Test
  void a_private_key_cut_short_still_loses_its_lines() {
    String text = """
        $ head -3 id_rsa
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj
        MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu
        $ echo done""";
    Redacted r = SecretRedactor.redact(text);

    assertEquals("$ head -3 id_rsa\n[REDACTED:private_key]\n$ echo done", r.text());
    assertEquals(Map.of("private_key", 1), r.counts());
  }

  @Test
  void aws_access_key_ids() {
    assertRedacts("""
        [default]
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        region = eu-west-1
        [session]
        aws_access_key_id = ASIAY34FZKBOKMUTVV7A
        """, "aws_access_key", "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A");
  }

  @Test
  void aws_secret_access_keys_in_credentials_files_and_sts_output() {
    assertRedacts("""
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        {"Credentials": {"SecretAccessKey": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "Expiration": "2026-01-01"}}
        """, "aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY");
  }

  @Test
  void github_tokens_classic_and_fine_grained() {
    assertRedacts("""
        export GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d
        gh auth login --with-token <<< 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WJ
        """, "github_token", "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
        "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WJ");
  }

  @Test
  void gitlab_personal_access_tokens() {
    assertRedacts("curl --header \"PRIVATE-TOKEN: glpat-9ZkYq3Lm7Tn2Vw8Xb4Rc\" https://gitlab.example.com/api/v4/projects",
        "gitlab_token", "glpat-9ZkYq3Lm7Tn2Vw8Xb4Rc");
  }

  @Test
  void slack_tokens() {
    assertRedacts("SLACK_BOT_TOKEN=xoxb-2734569120-4821736501234-Qm7ZtK9pLw3RvX8nB2cY5dF1\nSLACK_CHANNEL=#deploys",
        "slack_token", "xoxb-2734569120-4821736501234-Qm7ZtK9pLw3RvX8nB2cY5dF1");
  }

  @Test
  void a_slack_webhook_keeps_its_host_and_loses_its_path() {
    assertRedacts("notify:\n  url: https://hooks.slack.com/services/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\n",
        "slack_webhook", "T02ABCD1E/B05FGHIJ2KL/q8Wz3xYt7UvR1sNm4PkL6oJh");
  }

  @Test
  void stripe_secret_keys() {
    assertRedacts("Stripe.apiKey = \"sk_live_51M0OGr4hTxoF54Fzbka8FRCztUjAwyu\";\nCharge.create(params);",
        "stripe_key", "sk_live_51M0OGr4hTxoF54Fzbka8FRCztUjAwyu");
  }

  @Test
  void openai_keys_project_and_legacy() {
    assertRedacts("""
        OPENAI_API_KEY=sk-proj-qfEouHgxzNNAL5wIScGebcy8F5n3-YNBDRzrZSgqT3BlbkFJbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalHl
        client = OpenAI(api_key="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")
        """, "openai_key",
        "sk-proj-qfEouHgxzNNAL5wIScGebcy8F5n3-YNBDRzrZSgqT3BlbkFJbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalHl",
        "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");
  }

  @Test
  void anthropic_keys_are_not_counted_as_openai_keys() {
    String key = "sk-ant-api03-sZfYcMMDktXP-tKsf2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAj"
        + "lsHUqAA";
    assertRedacts("export ANTHROPIC_API_KEY=" + key + "\nclaude --print 'hello'", "anthropic_key", key);
  }

  @Test
  void google_api_keys() {
    assertRedacts("const firebaseConfig = {\n  apiKey: \"AIza1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4\",\n  projectId: \"demo\"\n};",
        "google_api_key", "AIza1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4");
  }

  @Test
  void npm_tokens_in_an_npmrc() {
    assertRedacts("//registry.npmjs.org/:_authToken=npm_KY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Q\nsave-exact=true\n",
        "npm_token", "npm_KY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Q");
  }

  @Test
  void hugging_face_pypi_sendgrid_and_azure_storage_credentials() {
    assertRedacts("huggingface-cli login --token hf_wb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3Jr", "huggingface_token",
        "hf_wb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3Jr");
    String pypi = "pypi-AgEIcHlwaS5vcmcz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2HZt";
    assertRedacts("[pypi]\n  username = __token__\n  password = " + pypi + "\n", "pypi_token", pypi);
    String sendgrid = "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";
    assertRedacts("SENDGRID_API_KEY='" + sendgrid + "'", "sendgrid_key", sendgrid);
    String azure = "nD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FH==";
    assertRedacts("DefaultEndpointsProtocol=https;AccountName=mnemo;AccountKey=" + azure + ";EndpointSuffix=core.windows.net",
        "azure_storage_key", azure);
  }

  @Test
  void jwts() {
    String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
        + "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    assertRedacts("{\"session\": {\"id_token\": \"" + jwt + "\", \"expires_in\": 3600}}", "jwt", jwt);
  }

  @Test
  void a_connection_string_loses_only_its_password() {
    assertRedacts("""
        DATABASE_URL=postgresql://mnemo:S3cr3t-Pa55@db.internal:5432/mnemo?sslmode=require
        mongo "mongodb+srv://admin:hunter2x@cluster0.ab1cd.mongodb.net/app"
        REDIS_URL=redis://:r3d1s-pw@cache:6379/0
        """, "connection_string_password", "S3cr3t-Pa55", "hunter2x", "r3d1s-pw");
  }

  @Test
  void an_assigned_password_loses_its_value_and_keeps_its_key() {
    assertRedacts("""
        {"username": "admin", "password": "Tr0ub4dor!x3"}
        POSTGRES_PASSWORD=postgres
        db_password: c0rrect-h0rse
        spring.datasource.password=hunter22
        mysql --user=root --password=Sup3rS3cret db
        SECRET_KEY = 'django-insecure-8f$2k#x1z'
        client_secret: "9f8e7d6c5b4a"
        api_key="a1b2c3d4e5f6a7b8"
        curl -H "X-Api-Key: q7Wm2Zr9Lk4p" "https://api.example.com/items?access_token=Zk38fQ92mLx1&limit=5"
        """, "password_assignment", "Tr0ub4dor!x3", "postgres", "c0rrect-h0rse", "hunter22", "Sup3rS3cret",
        "django-insecure-8f$2k#x1z", "9f8e7d6c5b4a", "a1b2c3d4e5f6a7b8", "q7Wm2Zr9Lk4p", "Zk38fQ92mLx1");
  }

  @Test
  void less_common_assignment_forms() {
    assertRedacts("""
        data:
          password: cGFzc3dvcmQxMjM=
        ENV['SECRET_TOKEN'] = 'a8f5f167f44f4964e6c998dee827110c'
        dbPass: Hunter2024x
        token => 'abc123def456'
        x := map[string]string{"password": "S0me-Secret"}
        """, "password_assignment", "cGFzc3dvcmQxMjM=", "a8f5f167f44f4964e6c998dee827110c", "Hunter2024x",
        "abc123def456", "S0me-Secret");
  }

  @Test
  void a_password_in_json_kept_inside_a_string_goes_too() {
    assertRedacts("{\"tool_response\": \"{\\\"password\\\": \\\"Tr0ub4dor!x3\\\"}\"}", "password_assignment",
        "Tr0ub4dor!x3");
  }

  @Test
  void bearer_tokens() {
    assertRedacts("curl -H \"Authorization: Bearer 3a0aac36098b2cc2bd818319478da6bd0c621de4\" https://api.example.com/me",
        "bearer_token", "3a0aac36098b2cc2bd818319478da6bd0c621de4");
  }

  @Test
  void basic_authorization_headers() {
    assertRedacts("> GET /v1 HTTP/1.1\n> Authorization: Basic bWVtbzpodW50ZXIyeA==\n> Accept: */*",
        "basic_auth", "bWVtbzpodW50ZXIyeA==");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "String password = request.getParameter(\"password\");",
      "token = None",
      "password: ${DB_PASSWORD}",
      "password=<your password>",
      "password=abc",
      "pwd: 1234",
      "\"password\": \"\"",
      "password = \"********\"",
      "PASSWORD=changeme",
      "\"password\": \"your-password-here\"",
      "\"password\": \"Mot de passe\"",
      "\"token\": \"Invalid or expired token\"",
      "const { email, password } = req.body;\nconst user = { email, password: hashedPassword };",
      "password: process.env.DB_PASSWORD,",
      "self.token = self._fetch_token()",
      "if (token == null || password != confirmPassword) return;",
      "password: string;\ntoken?: string;",
      "max_tokens: 4096\nprompt_tokens=1200",
      "private_key: ~/.ssh/id_rsa",
      "PWD=/home/dev/projects/mnemograph",
      "token: ${{ secrets.GITHUB_TOKEN }}",
      "url = f\"postgresql://{user}:{password}@{host}/{db}\"",
      "postgres://user:${DB_PASS}@localhost:5432/app",
      "postgres://user:password@localhost:5432/app",
      "see https://example.com:8443/docs and git@github.com:org/repo.git",
      "commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\nAuthor: Dev <dev@example.com>",
      "\"request_id\": \"550e8400-e29b-41d4-a716-446655440000\"",
      "data: eyJuYW1lIjoibW5lbW9ncmFwaCIsInZlcnNpb24iOjF9 and SGVsbG8sIHdvcmxkISBUaGlzIGlzIG9yZGluYXJ5IGRhdGEu",
      "pip install scikit-learn; npm i sk-components-for-the-dashboard-v2",
      "The bearer token goes in the Authorization header; pass the password through the environment.",
      "Authorization: Bearer $TOKEN",
      "def login(username, password=None, token: str = None):\n    connect(password=password, api_key=api_key)",
      "secret = secrets.token_hex(32)",
      "const token = jwt.sign(payload, process.env.JWT_SECRET, { expiresIn: '1h' });",
      "password: Joi.string().min(8).required(),",
      "this.password = password;",
      "Password string `json:\"password\"`",
      "secretKeyRef:\n  name: db\n  key: password",
      "password = var.db_password\nmaster_password = random_password.db.result",
      "export TOKEN=$(vault read -field=token secret/ci)",
      "Login failed for user=admin password=***** from 10.0.0.1",
      "if password == \"hunter2x\":",
      "bypass: enabledfeature1, compass: north12345, cache_key = user_id_12345678",
  })
  void ordinary_code_placeholders_and_ids_come_out_unchanged(String text) {
    assertUnchanged(text);
  }

  @Test
  void counts_are_per_kind() {
    Redacted r = SecretRedactor.redact("""
        GH_A=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d
        GH_B=ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        password: hunter22
        """);

    assertEquals(Map.of("github_token", 2, "aws_access_key", 1, "password_assignment", 1), r.counts());
    assertEquals(4, r.total());
  }

  @Test
  void redacting_twice_changes_nothing() {
    Redacted once = SecretRedactor.redact("""
        "password": "Tr0ub4dor!x3", PASSWORD=hunter22, token: ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d
        postgresql://mnemo:S3cr3t-Pa55@db:5432/mnemo  Authorization: Bearer 3a0aac36098b2cc2bd818319478da6bd0c621de4
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        https://hooks.slack.com/services/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
        AccountKey=nD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FH==
        """);
    assertEquals(8, once.total());

    assertUnchanged(once.text());
  }

  @Test
  void null_and_text_without_secrets_are_answered_as_they_came() {
    Redacted none = SecretRedactor.redact(null);
    assertNull(none.text());
    assertEquals(0, none.total());
    assertUnchanged("");
    assertUnchanged("Refactored the graph loader; all 293 tests pass.");
  }

  @Test
  void a_200000_character_source_file_goes_through_and_stays_as_it_was() {
    String unit = """
        public final class LoginHandler implements Handler<RoutingContext> {
          private static final String TOKEN_HEADER = "X-Auth-Token"; // see https://example.com:8443/docs
          @Override public void handle(RoutingContext ctx) {
            String password = ctx.request().getParam("password");
            String token = ctx.request().getHeader(TOKEN_HEADER);
            if (token == null || password.isEmpty()) { ctx.fail(401); return; }
            var key = cache.get(userId + ":" + sessionKey); // a94a8fe5ccb19ba61c4c0873d391e987982fbbd3
          }
        }
        """;
    String text = unit.repeat(200_000 / unit.length() + 1).substring(0, 200_000);

    assertUnchanged(text);
  }

  @Test
  void pathological_texts_go_through() {
    String base64 = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n".repeat(3_000);
    String[] texts = {
        "-----BEGIN PRIVATE KEY-----\n" + base64,
        ("-----BEGIN RSA PRIVATE KEY-----" + "A".repeat(100)).repeat(1_500),
        "password=".repeat(20_000),
        "a://b:".repeat(30_000),
        "x".repeat(200_000),
        "eyJ".repeat(60_000) + ".eyJ",
        "-".repeat(200_000),
        "Bearer ".repeat(25_000),
    };
    for (String text : texts) {
      assertTrue(SecretRedactor.redact(text).text().length() > 0);
    }
  }
}
