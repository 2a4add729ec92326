package dev.mnemograph.support;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One real service for the whole test JVM: embedded PostgreSQL (PGlite), HTTP on a free port, the real
 * event bus. Test classes share it and keep apart by each making its own workspaces. Every answer its client
 * gets from an operation of the contract is checked against the contract ({@link ContractResponses}).
 *
 * <p>With {@value #DATABASE_URL_ENV} set, the same tests run against that PostgreSQL instead, through a
 * pool of several connections (what production looks like; see .ci/run).
 */
public final class TestService {
  public static final String DATABASE_URL_ENV = "MNEMOGRAPH_TEST_DATABASE_URL";

  private static Mnemograph service;
  private static WebClient http;

  private TestService() {
  }

  public static synchronized Mnemograph get() {
    if (service == null) {
      Path dataDir = Path.of("target", "test-data", UUID.randomUUID().toString());
      AppConfig config = AppConfig.fromJson(new JsonObject()
          .put(AppConfig.HTTP_PORT, 0)
          .put(AppConfig.DATA_DIR, dataDir.toString())
          .put(AppConfig.DATABASE_URL, System.getenv().getOrDefault(DATABASE_URL_ENV, ""))
          .put(AppConfig.JOB_POLL_INTERVAL_MS, 250)
          // sessions never ended are extracted after this (ExtractionApiTest)
          .put(AppConfig.EXTRACTION_IDLE_SECONDS, 3)
          // short leases and retries, so that tests of dead workers and failing jobs finish in seconds
          .put(AppConfig.JOB_LEASE_MS, 2_000)
          .put(AppConfig.JOB_MAX_ATTEMPTS, 3)
          .put(AppConfig.JOB_RETRY_BASE_MS, 200)
          .put(AppConfig.JOB_RETRY_MAX_MS, 1_000)
          .put(AppConfig.JOB_MAX_INTERRUPTIONS, 5)
          // no graph run (and so no learned importance) under tests that set importance themselves:
          // GraphAnalysisApiTest makes its workspaces due by moving their last change back in time
          .put(AppConfig.GRAPH_ANALYSIS_DELAY_MS, 600_000)
          .put(AppConfig.GRAPH_ANALYSIS_MAX_WAIT_MS, 1_200_000));
      service = Mnemograph.start(config);
      http = ContractResponses.validating(service.vertx(), WebClient.create(service.vertx(), new WebClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort())));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.out.println("ContractResponses: " + ContractResponses.validated() + " answers checked against the contract");
        service.close();
      }));
    }
    return service;
  }

  public static WebClient http() {
    get();
    return http;
  }

  /**
   * The URL of the real PostgreSQL in {@value #DATABASE_URL_ENV}; skips the calling test where there is none
   * (the embedded PGlite is one session in the service's own process: no outage, lock or crash of its own).
   */
  public static String realDatabaseUrl() {
    String url = System.getenv(DATABASE_URL_ENV);
    assumeTrue(url != null && !url.isBlank(),
        "needs a real PostgreSQL (" + DATABASE_URL_ENV + ")");
    return url;
  }

  /** A fresh workspace and a key for it, so that every test class has data of its own. */
  public static NewApiKey newWorkspace(String label) {
    return new WorkspaceRepository(get().pool())
        .createWorkspace(label + "-" + UUID.randomUUID(), "test").await();
  }
}
