package dev.mnemograph.ops;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.support.Commands;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL is killed with SIGKILL (every server process at once, no shutdown checkpoint) and started again,
 * {@value #KILLS} times at random points under a steady write load: every store that got a 201 is there
 * afterwards, every other answer is a prompt 503 that says the database is unavailable (no 500, no hang), and the
 * API node serves again by itself after each restart. Needs the native server's control script
 * ({@value #CONTROL_ENV}, set by .ci/run to {@code .ci/native-postgres}; the test runs as root, as CI does).
 */
@Tag("slow")
class DatabaseCrashTest {
  static final String CONTROL_ENV = "MNEMOGRAPH_TEST_DATABASE_CONTROL";
  private static final int KILLS = 20;
  private static final int WRITERS = 4;
  /** Longer than any answer may take: a request still open after it is a hang. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration PROMPT = Duration.ofSeconds(7);
  private static final Path OUTPUT = Path.of("target", "database-crash");

  @Test
  void every_acknowledged_write_survives_twenty_crashes_of_postgresql() throws Exception {
    String url = TestService.realDatabaseUrl();
    String control = System.getenv(CONTROL_ENV);
    assumeTrue(control != null && !control.isBlank(), "needs the control script of a PostgreSQL it may kill ("
        + CONTROL_ENV + ")");
    // a database of its own: the test JVM's workers must not inherit its thousands of stores as a backlog
    Vertx vertx = Vertx.vertx();
    String database = "test_crash_" + UUID.randomUUID().toString().substring(0, 8);
    Pool admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    admin.query("CREATE DATABASE " + database + " TEMPLATE mnemograph_template").execute().await();
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATABASE_URL, url.replaceFirst("/[^/?]+(\\?.*)?$", "/" + database + "$1"))
        .put(AppConfig.DATABASE_POOL_SIZE, 4)
        .put(AppConfig.RATE_LIMIT_PER_SECOND, 0)   // the writers go faster than one agent's key may
        .put(AppConfig.DATA_DIR, Path.of("target", "crash-" + UUID.randomUUID()).toString()));
    Random random = new Random(Long.getLong("crash.seed", System.nanoTime()));
    try (Mnemograph node = Mnemograph.start(config, Set.of("api"), pool -> { })) {
      var created = new WorkspaceRepository(node.pool()).createWorkspace("crash-" + UUID.randomUUID(), "k").await();
      String key = created.key();
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(node.httpPort()));
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
      Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
      AtomicLong slowest503 = new AtomicLong();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread thread = new Thread(() -> {
          for (int i = 0; writing.get(); i++) {
            long started = System.nanoTime();
            HttpResponse<Buffer> res;
            try {
              res = http.post("/api/v1/memories/store").putHeader("Authorization", "Token " + key)
                  .timeout(REQUEST_TIMEOUT.toMillis())
                  .sendJsonObject(new JsonObject().put("title", "Write " + writer + "-" + i)
                      .put("narrative", "Stored by writer " + writer + " while PostgreSQL may crash."))
                  .await();
            } catch (RuntimeException e) {
              wrong.add("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s: " + e);
              continue;
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            answers.computeIfAbsent(res.statusCode(), s -> new AtomicLong()).incrementAndGet();
            if (res.statusCode() == 201) {
              acknowledged.add(res.bodyAsJsonObject().getString("memory_id"));
            } else if (res.statusCode() == 503 && res.bodyAsString().contains("database")
                && res.getHeader("Retry-After") != null) {
              slowest503.accumulateAndGet(ms, Math::max);
              sleep(50);   // a client backs off a little; the test keeps writing through the outage
            } else {
              wrong.add(res.statusCode() + " " + res.bodyAsString());
            }
          }
        }, "writer-" + w);
        thread.start();
        writers.add(thread);
      }

      List<Long> outages = new ArrayList<>();
      for (int kill = 0; kill < KILLS; kill++) {
        sleep(300 + random.nextInt(1_200));   // writes flowing
        long before = acknowledged.size();
        long killed = System.nanoTime();
        Commands.run(Path.of("."), OUTPUT, Duration.ofSeconds(60), Map.of(), "bash", control, "kill");
        sleep(random.nextInt(1_000));          // down
        Commands.run(Path.of("."), OUTPUT, Duration.ofSeconds(120), Map.of(), "bash", control, "start");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acknowledged.size() <= before) {
          assertTrue(System.nanoTime() < deadline, "no write acknowledged within 30 s of restart " + (kill + 1));
          sleep(20);
        }
        outages.add((System.nanoTime() - killed) / 1_000_000);
      }
      writing.set(false);
      for (Thread t : writers) {
        t.join(REQUEST_TIMEOUT.toMillis() + 5_000);
      }

      long present = node.pool().preparedQuery("SELECT count(*) FROM memory WHERE workspace_id = $1 "
              + "AND memory_id = ANY($2)")
          .execute(Tuple.of(created.workspace().workspaceId()).addArrayOfString(acknowledged.toArray(String[]::new)))
          .await().iterator().next().getLong(0);
      System.out.printf("DatabaseCrashTest: %d kills; answers %s; %d acknowledged stores, %d present; slowest 503 "
              + "%d ms; from a kill to the next acknowledged write %d ms at most%n", KILLS, answers,
          acknowledged.size(), present, slowest503.get(), outages.stream().mapToLong(Long::longValue).max().orElse(0));
      assertEquals(List.of(), List.copyOf(wrong), "every answer a 201 or a 503 that says why");
      assertEquals(acknowledged.size(), present, "every acknowledged store survived the crashes");
      assertTrue(answers.getOrDefault(503, new AtomicLong()).get() > 0, "some writes met an outage");
      assertTrue(slowest503.get() < PROMPT.toMillis(), "a 503 took " + slowest503.get() + " ms");
    } finally {
      admin.query("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)").execute().await();
      admin.close().await();
      vertx.close().await();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
