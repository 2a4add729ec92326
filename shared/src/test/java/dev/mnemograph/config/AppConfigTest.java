package dev.mnemograph.config;

import dev.mnemograph.jobs.JobSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppConfigTest {

  @Test
  void defaults_start_the_embedded_database_on_port_8080() {
    AppConfig c = AppConfig.fromJson(new JsonObject());

    assertEquals(8080, c.httpPort());
    assertEquals("127.0.0.1", c.httpHost());
    assertTrue(c.embeddedDatabase());
    assertEquals(90, c.retentionDays());
    assertEquals(java.time.Duration.ofDays(7), c.jobRetention());
    assertTrue(c.dataDir().endsWith("data"));
  }

  @Test
  void the_environment_overrides_the_file_which_overrides_the_defaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("conf.json");
    Files.writeString(file, """
        {"http.port": 9000, "database.pool-size": 4, "data.dir": "/srv/mnemo"}""");

    AppConfig c = AppConfig.load(Map.of(
        "MNEMOGRAPH_CONFIG", file.toString(),
        "MNEMOGRAPH_HTTP_PORT", "9100",
        "MNEMOGRAPH_DATABASE_URL", "postgresql://u:p@db:5432/mnemo"));

    assertEquals(9100, c.httpPort());
    assertEquals(4, c.databasePoolSize());
    assertEquals(Path.of("/srv/mnemo"), c.dataDir());
    assertEquals("postgresql://u:p@db:5432/mnemo", c.databaseUrl().orElseThrow());
  }

  @Test
  void a_bad_value_fails_with_a_message_that_names_the_key() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.load(Map.of("MNEMOGRAPH_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("http.port"), e.getMessage());

    var range = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put("database.pool-size", 0)));
    assertTrue(range.getMessage().contains("database.pool-size"), range.getMessage());
  }

  @Test
  void the_key_cache_can_never_keep_a_revoked_key_working_for_more_than_5_seconds() {
    assertEquals(5_000, AppConfig.fromJson(new JsonObject()).keyCacheTtl().toMillis());
    assertEquals(0, AppConfig.fromJson(new JsonObject().put(AppConfig.KEY_CACHE_TTL_MS, 0)).keyCacheTtl().toMillis());

    var tooLong = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put(AppConfig.KEY_CACHE_TTL_MS, 5_001)));
    assertTrue(tooLong.getMessage().contains(AppConfig.KEY_CACHE_TTL_MS), tooLong.getMessage());
  }

  @Test
  void jobs_are_leased_for_30_seconds_and_parked_after_5_failures_or_20_interruptions_by_default() {
    assertEquals(new JobSettings(Duration.ofSeconds(30), 5, Duration.ofSeconds(2), Duration.ofMinutes(10), 20),
        AppConfig.fromJson(new JsonObject()).jobs());
  }

  @Test
  void the_job_lease_retries_and_bounds_are_configured_by_key() {
    AppConfig shortened = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.JOB_LEASE_MS, 2_000)
        .put(AppConfig.JOB_MAX_ATTEMPTS, 3)
        .put(AppConfig.JOB_RETRY_BASE_MS, 200)
        .put(AppConfig.JOB_RETRY_MAX_MS, 1_000)
        .put(AppConfig.JOB_MAX_INTERRUPTIONS, 5));

    assertEquals(new JobSettings(Duration.ofSeconds(2), 3, Duration.ofMillis(200), Duration.ofSeconds(1), 5),
        shortened.jobs());
    assertEquals(Duration.ofSeconds(45), AppConfig.load(Map.of("MNEMOGRAPH_JOBS_LEASE_MS", "45000")).jobs().lease());
  }

  @Test
  void a_bad_job_setting_fails_with_a_message_that_names_its_key() {
    var notANumber = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.load(Map.of("MNEMOGRAPH_JOBS_LEASE_MS", "30s")));
    assertTrue(notANumber.getMessage().contains(AppConfig.JOB_LEASE_MS), notANumber.getMessage());

    var noAttempt = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put(AppConfig.JOB_MAX_ATTEMPTS, 0)));
    assertTrue(noAttempt.getMessage().contains(AppConfig.JOB_MAX_ATTEMPTS), noAttempt.getMessage());

    var noInterruption = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put(AppConfig.JOB_MAX_INTERRUPTIONS, 0)));
    assertTrue(noInterruption.getMessage().contains(AppConfig.JOB_MAX_INTERRUPTIONS), noInterruption.getMessage());

    var backwards = assertThrows(IllegalArgumentException.class, () -> AppConfig.fromJson(new JsonObject()
        .put(AppConfig.JOB_RETRY_BASE_MS, 5_000).put(AppConfig.JOB_RETRY_MAX_MS, 1_000)));
    assertTrue(backwards.getMessage().contains(AppConfig.JOB_RETRY_MAX_MS)
        && backwards.getMessage().contains(AppConfig.JOB_RETRY_BASE_MS), backwards.getMessage());
  }

  @Test
  void an_unknown_key_or_a_missing_named_file_is_an_error() {
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put("http.prot", 1)));
    assertTrue(unknown.getMessage().contains("http.prot"));

    var missing = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.load(Map.of("MNEMOGRAPH_CONFIG", "/nonexistent/mnemograph.json")));
    assertTrue(missing.getMessage().contains("MNEMOGRAPH_CONFIG"));
  }

  @Test
  void environment_names_follow_one_rule() {
    assertEquals("MNEMOGRAPH_DATABASE_POOL_SIZE", AppConfig.envName(AppConfig.DATABASE_POOL_SIZE));
    assertEquals("MNEMOGRAPH_MEMORY_RETENTION_DAYS", AppConfig.envName(AppConfig.RETENTION_DAYS));
  }

  @Test
  void the_sdlc_version_is_a_setting_of_its_own() {
    assertEquals("0.1.0", AppConfig.fromJson(new JsonObject()).sdlcVersion());
    assertEquals("2.3.0", AppConfig.load(Map.of("MNEMOGRAPH_SDLC_VERSION", " 2.3.0 ")).sdlcVersion());
    var e = assertThrows(IllegalArgumentException.class,
        () -> AppConfig.fromJson(new JsonObject().put(AppConfig.SDLC_VERSION, " ")));
    assertTrue(e.getMessage().contains(AppConfig.SDLC_VERSION), e.getMessage());
  }
}
