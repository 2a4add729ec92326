package dev.mnemograph.config;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The service's configuration, read once at start and validated.
 *
 * <p>One place: defaults here, overridden by a JSON file of flat keys ({@code mnemograph.json} in the
 * working directory, or the file named by {@code MNEMOGRAPH_CONFIG}), overridden in turn by environment
 * variables named {@code MNEMOGRAPH_} + the key in upper case with dots and dashes as underscores
 * ({@code http.port} → {@code MNEMOGRAPH_HTTP_PORT}).
 *
 * @param databaseUrl {@code postgresql://user:password@host:port/db}; empty means the embedded database
 */
public record AppConfig(
    String httpHost,
    int httpPort,
    Optional<String> databaseUrl,
    int databasePoolSize,
    Duration statementTimeout,
    Path dataDir,
    String nodeCommand,
    int retentionDays) {

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String DATABASE_URL = "database.url";
  public static final String DATABASE_POOL_SIZE = "database.pool-size";
  public static final String DATABASE_STATEMENT_TIMEOUT_MS = "database.statement-timeout-ms";
  public static final String DATA_DIR = "data.dir";
  public static final String NODE_COMMAND = "embedded.node";
  public static final String RETENTION_DAYS = "memory.retention-days";

  static final String CONFIG_FILE_ENV = "MNEMOGRAPH_CONFIG";
  static final String DEFAULT_CONFIG_FILE = "mnemograph.json";

  private static final JsonObject DEFAULTS = new JsonObject()
      .put(HTTP_HOST, "127.0.0.1")
      .put(HTTP_PORT, 8080)
      .put(DATABASE_URL, "")
      .put(DATABASE_POOL_SIZE, 8)
      .put(DATABASE_STATEMENT_TIMEOUT_MS, 30_000)
      .put(DATA_DIR, "data")
      .put(NODE_COMMAND, "node")
      .put(RETENTION_DAYS, 90);

  public AppConfig {
    requireRange(HTTP_PORT, httpPort, 0, 65_535);
    requireRange(DATABASE_POOL_SIZE, databasePoolSize, 1, 1_000);
    requireRange(RETENTION_DAYS, retentionDays, 1, 36_500);
    if (statementTimeout.isNegative() || statementTimeout.isZero()) {
      throw new IllegalArgumentException(DATABASE_STATEMENT_TIMEOUT_MS + " must be positive");
    }
  }

  public boolean embeddedDatabase() {
    return databaseUrl.isEmpty();
  }

  /** Defaults, then the config file, then the environment. */
  public static AppConfig load(Map<String, String> env) {
    JsonObject merged = DEFAULTS.copy();
    Path file = Path.of(env.getOrDefault(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE));
    if (Files.exists(file)) {
      merged.mergeIn(readFile(file));
    } else if (env.containsKey(CONFIG_FILE_ENV)) {
      throw new IllegalArgumentException(CONFIG_FILE_ENV + " names " + file + ", which does not exist");
    }
    for (String key : DEFAULTS.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        merged.put(key, value);
      }
    }
    return fromJson(merged);
  }

  public static AppConfig fromJson(JsonObject json) {
    JsonObject c = DEFAULTS.copy().mergeIn(json);
    for (String key : c.fieldNames()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new IllegalArgumentException("Unknown configuration key '" + key + "'; known keys: " + DEFAULTS.fieldNames());
      }
    }
    String url = string(c, DATABASE_URL);
    return new AppConfig(
        string(c, HTTP_HOST),
        integer(c, HTTP_PORT),
        url.isBlank() ? Optional.empty() : Optional.of(url),
        integer(c, DATABASE_POOL_SIZE),
        Duration.ofMillis(integer(c, DATABASE_STATEMENT_TIMEOUT_MS)),
        Path.of(string(c, DATA_DIR)).toAbsolutePath().normalize(),
        string(c, NODE_COMMAND),
        integer(c, RETENTION_DAYS));
  }

  public AppConfig withHttpPort(int port) {
    return new AppConfig(httpHost, port, databaseUrl, databasePoolSize, statementTimeout, dataDir, nodeCommand, retentionDays);
  }

  public AppConfig withDataDir(Path dir) {
    return new AppConfig(httpHost, httpPort, databaseUrl, databasePoolSize, statementTimeout, dir, nodeCommand, retentionDays);
  }

  static String envName(String key) {
    return "MNEMOGRAPH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read configuration file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject c, String key) {
    Object v = c.getValue(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " must not be null");
    }
    return v.toString();
  }

  private static int integer(JsonObject c, String key) {
    Object v = c.getValue(key);
    try {
      return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
    }
  }

  private static void requireRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
