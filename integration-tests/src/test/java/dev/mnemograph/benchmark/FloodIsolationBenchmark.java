package dev.mnemograph.benchmark;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One key floods the service (wrk, 16 connections, the list of its memories) while another workspace's
 * client makes one request at a time: that client's latency alone and under the flood, with the per-key rate
 * limit at its default and turned off. One process, both roles; the embedded PGlite, or the PostgreSQL of
 * {@code MNEMOGRAPH_BENCH_DATABASE_URL}. Needs wrk. Prints, asserts only that the requests succeeded.
 *
 * <pre>./mvnw -Pbenchmark verify -pl integration-tests -am -Dtest=FloodIsolationBenchmark</pre>
 */
@Tag("benchmark")
class FloodIsolationBenchmark {
  private static final int REQUESTS = 500;
  private static final Duration FLOOD = Duration.ofSeconds(25);

  @Test
  void another_workspace_under_a_flood_from_one_key() throws Exception {
    assumeTrue(Wrk.available(), "needs wrk on the PATH (apt-get install wrk)");
    String url = System.getenv().getOrDefault("MNEMOGRAPH_BENCH_DATABASE_URL", "");
    System.out.printf("%nFloodIsolationBenchmark on %s, %d cores%n",
        url.isEmpty() ? "the embedded PGlite" : "PostgreSQL at " + url.replaceAll("//[^@]*@", "//"),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-52s %8s %8s %8s %8s%n", "the other workspace's GET /memories/?limit=10, 1 client",
        "p50 ms", "p95 ms", "p99 ms", "req/s");
    Path data = Path.of("target", "bench-data", UUID.randomUUID().toString());
    for (boolean limited : List.of(true, false)) {
      JsonObject json = new JsonObject().put(AppConfig.HTTP_PORT, 0).put(AppConfig.DATABASE_URL, url)
          .put(AppConfig.DATA_DIR, data.toString());
      if (!limited) {
        json.put(AppConfig.RATE_LIMIT_PER_SECOND, 0);
      }
      AppConfig config = AppConfig.fromJson(json);
      try (Mnemograph service = Mnemograph.start(config)) {
        measure(service, limited ? "rate limit on (200/s after 2,000)" : "rate limit off");
      }
    }
  }

  private static IntFunction<Future<?>> listing(WebClient http, NewApiKey key) {
    return i -> http.get("/api/v1/memories/?limit=10").putHeader("Authorization", "Token " + key.key()).send()
        .map(res -> {
          assertEquals(200, res.statusCode(), res.bodyAsString());
          return res;
        });
  }

  private static void measure(Mnemograph service, String label) throws Exception {
    WorkspaceRepository workspaces = new WorkspaceRepository(service.pool());
    NewApiKey flooder = workspaces.createWorkspace("flood-" + UUID.randomUUID(), "bench").await();
    NewApiKey other = workspaces.createWorkspace("calm-" + UUID.randomUUID(), "bench").await();
    NewApiKey warmUp = workspaces.createWorkspace("warm-" + UUID.randomUUID(), "bench").await();
    WebClient http = WebClient.create(service.vertx(),
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    for (NewApiKey key : List.of(flooder, other)) {
      for (int i = 0; i < 10; i++) {
        int status = http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key.key())
            .sendJsonObject(new JsonObject().put("title", "Note " + i).put("narrative", "A note for the flood benchmark."))
            .await().statusCode();
        assertEquals(201, status);
      }
    }
    IntFunction<Future<?>> list = listing(http, other);
    // the JIT's warm-up, with a key of its own: the measured key stays within its burst
    for (int round = 0; round < 3; round++) {
      Latency.measure(listing(http, warmUp), 1_500, 1);
      Thread.sleep(Duration.ofSeconds(8).toMillis());   // its bucket refills
    }
    Latency.Stats alone = Latency.measure(list, REQUESTS, 1);
    Path dir = Files.createTempDirectory("mnemograph-flood");
    String base = "http://127.0.0.1:" + service.httpPort();
    Wrk.Running flood = Wrk.start(base, flooder.key(), List.of("/api/v1/memories/?limit=10"), 16, FLOOD, dir);
    Thread.sleep(5_000);   // past the burst: the limited key is refused by now
    Latency.Stats flooded = Latency.measure(list, REQUESTS, 1);
    Wrk.Result f = flood.await();
    System.out.println(label + ":");
    alone.print("  alone");
    flooded.print("  while the other key floods");
    System.out.printf("  p95 ratio %.2f; the flood: %.0f req/s, %d answered other than 2xx (429)%n",
        flooded.p(95) / alone.p(95), f.perSecond(), f.non2xx());
  }
}
