package dev.mnemograph.benchmark;

import dev.mnemograph.benchmark.LoadClient.Call;
import dev.mnemograph.benchmark.LoadClient.Stats;
import dev.mnemograph.support.NodeProcess;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The request path under load, as an operator runs it: the nodes are separate processes started from the
 * built code or from other jars, the load comes over loopback HTTP. Several codes (or settings) run one after
 * the other in one invocation, each on a fresh database, so that they compare under the same conditions.
 *
 * <ol>
 *   <li>seed: {@code bench.seed} stores, 16 in flight, then wait until every memory is embedded and linked
 *       (the drain rate of that backlog is reported);</li>
 *   <li>workers idle: wrk, 16 connections, on {@code /health}, {@code GET /memories/{id}} (random ids) and
 *       {@code GET /memories/?limit=10};</li>
 *   <li>stores at fixed offered rates (open loop: each latency from its scheduled send time), the worker
 *       embedding the growing backlog meanwhile, up to saturation;</li>
 *   <li>the queue drain after the stores: embeddings per second;</li>
 *   <li>(separate nodes only) the same stores with the worker node stopped: the API and PostgreSQL alone.</li>
 * </ol>
 * Every phase reports where the CPU went (API node, worker node, PostgreSQL's sessions of the benchmark's
 * database and its background processes, the load generator, the rest of the machine).
 *
 * <pre>
 * MNEMOGRAPH_BENCH_DATABASE_URL=postgresql://mnemograph:mnemograph@127.0.0.1:55433/mnemograph \
 *   ./mvnw -Pbenchmark verify -pl integration-tests -am -Dtest=RequestPathBenchmark      # API + worker node
 * ./mvnw -Pbenchmark verify -pl integration-tests -am -Dtest=RequestPathBenchmark        # embedded PGlite, one process
 * </pre>
 * Knobs (system properties): {@code bench.code}: what to run, comma-separated, each {@code build} (this build's
 * classes) or a directory with {@code mnemograph-api.jar} and {@code mnemograph-worker.jar}, optionally followed
 * by {@code ?KEY=VALUE&...}, environment for its nodes (e.g. {@code build?MNEMOGRAPH_HTTP_INSTANCES=1});
 * {@code bench.rounds} (the list again, interleaved); {@code bench.topology} (separate | single; embedded is
 * always single); {@code bench.seed}; {@code bench.store-rates} (comma-separated); {@code bench.store-seconds};
 * {@code bench.wrk-seconds}; {@code bench.warmup-seconds}; {@code bench.drain-seconds}; {@code bench.label};
 * {@code bench.jfr} (true: each node records a Java Flight Recording, {@code <role>.jfr} in its run's directory,
 * for {@code jfr print} or JDK Mission Control). The nodes also inherit this
 * JVM's environment ({@code MNEMOGRAPH_*} settings apply to them). Needs wrk.
 */
@Tag("benchmark")
class RequestPathBenchmark {
  private static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
  private static final String DATABASE = "mnemograph_bench";
  private static final int CONNECTIONS = 16;

  private final String adminUrl = System.getenv("MNEMOGRAPH_BENCH_DATABASE_URL");
  private final boolean embedded = adminUrl == null || adminUrl.isBlank();
  private final boolean separate = !embedded && "separate".equals(System.getProperty("bench.topology", "separate"));
  private final List<String> codes = Arrays.stream(System.getProperty("bench.code", "build").split(","))
      .map(String::trim).toList();
  private final int rounds = Integer.getInteger("bench.rounds", 1);
  private final int seed = Integer.getInteger("bench.seed", 2_000);
  private final List<Double> storeRates = Arrays.stream(System.getProperty("bench.store-rates",
          embedded ? "25,50,100,200,400" : "250,500,1000,1500,2000,3000").split(","))
      .map(String::trim).map(Double::parseDouble).toList();
  private final Duration storeTime = Duration.ofSeconds(Integer.getInteger("bench.store-seconds", 10));
  private final Duration wrkTime = Duration.ofSeconds(Integer.getInteger("bench.wrk-seconds", 15));
  private final Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup-seconds", 10));
  private final Duration drainTime = Duration.ofSeconds(Integer.getInteger("bench.drain-seconds", 60));
  private final StringBuilder report = new StringBuilder();

  /** This build's classes, or a directory of jars. */
  private String jars;
  /** Environment for the nodes of the code under test. */
  private Map<String, String> codeEnv;

  @Test
  void the_request_path_under_load() throws Exception {
    assumeTrue(Wrk.available(), "needs wrk on the PATH (apt-get install wrk)");
    List<LocomoTurns.Turn> turns = LocomoTurns.load(3_000);
    assumeTrue(!turns.isEmpty(), "needs the LoCoMo turns in " + LocomoTurns.dataDir());
    try {
      for (int round = 1; round <= rounds; round++) {
        for (String code : codes) {
          String[] parts = code.split("\\?", 2);
          jars = "build".equals(parts[0]) ? null : parts[0];
          codeEnv = new LinkedHashMap<>();
          if (parts.length == 2) {
            for (String kv : parts[1].split("&")) {
              String[] p = kv.split("=", 2);
              codeEnv.put(p[0], p[1]);
            }
          }
          run(turns, code + (rounds > 1 ? " (round " + round + ")" : ""));
        }
      }
    } finally {
      Path out = Path.of("target", "request-path-benchmark.md");
      Files.writeString(out, report + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      System.out.println(report);
      System.out.println("(appended to " + out.toAbsolutePath() + ")");
    }
  }

  private void run(List<LocomoTurns.Turn> turns, String title) throws Exception {
    Path dir = Files.createTempDirectory("mnemograph-request-path");
    Vertx vertx = Vertx.vertx();
    Pool admin = null;
    List<Process> nodes = new ArrayList<>();
    try {
      int apiPort = NodeProcess.freePort();
      int opsPort = NodeProcess.freePort();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("MNEMOGRAPH_HTTP_PORT", String.valueOf(apiPort));
      env.put("MNEMOGRAPH_OPS_PORT", String.valueOf(opsPort));
      env.put("MNEMOGRAPH_AUTH_RATE_LIMIT_PER_SECOND", "0");   // one key makes all the load here
      env.putAll(codeEnv);
      String benchUrl = null;
      if (!embedded) {
        benchUrl = adminUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + DATABASE + "$1");
        admin = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
            .connectingTo(PgConnectOptions.fromUri(adminUrl)).using(vertx).build();
        recreateDatabase(admin);
        env.put("MNEMOGRAPH_DATABASE_URL", benchUrl);
      }
      if (separate) {
        int hzApi = NodeProcess.freePort();
        int hzWorker = NodeProcess.freePort();
        env.put("MNEMOGRAPH_CLUSTER_MEMBERS", "127.0.0.1:" + hzApi + ",127.0.0.1:" + hzWorker);
        env.put("MNEMOGRAPH_CLUSTER_NAME", "bench-" + UUID.randomUUID());
        Process api = start(dir, "api", env, hzApi, nodes);
        Process worker = start(dir, "worker", env, hzWorker, nodes);
        awaitReady(apiPort, api, dir.resolve("api.log"));
        awaitReady(opsPort, worker, dir.resolve("worker.log"));
      } else {
        Process all = start(dir, "all", env, 0, nodes);
        awaitReady(apiPort, all, dir.resolve("all.log"));
      }
      Pool bench = embedded ? null : PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
          .connectingTo(PgConnectOptions.fromUri(benchUrl)).using(vertx).build();
      String key = embedded ? Files.readString(dir.resolve("all").resolve("default-api-key")).trim()
          : new WorkspaceRepository(bench).createWorkspace("bench-" + UUID.randomUUID(), "bench").await().key();

      Process apiNode = nodes.get(0);
      Process workerNode = separate ? nodes.get(1) : null;
      CpuMeter cpu = new CpuMeter();
      if (separate) {
        cpu.group("api", () -> Set.of(apiNode.pid())).group("worker", () -> Set.of(workerNode.pid()));
      } else {
        cpu.group("node (api + worker)", () -> Set.of(apiNode.pid()));
      }
      if (embedded) {
        cpu.group("pglite", () -> descendants(apiNode));
      } else {
        cpu.group("postgres sessions", () -> postgresPids(bench, true))
            .group("postgres background", () -> postgresPids(bench, false));
      }
      // this JVM and its wrk runs (counted once they exit); the nodes are children too, but exit only at the end
      cpu.groupWithExitedChildren("load generator", () -> Set.of(ProcessHandle.current().pid()));

      header(title, apiNode, workerNode);
      try (LoadClient client = new LoadClient("127.0.0.1", apiPort, key)) {
        seedAndDrain(client, cpu, turns);
        List<String> ids = memoryIds(client);
        closedLoop(client, cpu, dir, key, apiPort, ids);
        int stored = seed;
        stored += stores(client, cpu, turns, "stores, worker embedding meanwhile");
        drain(client, cpu, stored);
        if (separate) {
          workerNode.destroy();
          workerNode.waitFor(60, TimeUnit.SECONDS);
          stores(client, cpu, turns, "stores, worker node stopped");
        }
      }
      if (bench != null) {
        bench.close().await();
      }
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        Process p = nodes.get(i);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      if (admin != null) {
        admin.close().await();
      }
      vertx.close().await();
      line("");
      line("(node logs in " + dir + ")");
    }
  }

  private void header(String title, Process api, Process worker) {
    line("");
    line("### " + System.getProperty("bench.label", "request path") + ": " + title + " — " + Instant.now());
    line("");
    line("database: " + (embedded ? "embedded PGlite" : "PostgreSQL at " + adminUrl.replaceAll("//[^@]*@", "//")
        + " (database " + DATABASE + ")") + "; nodes: " + (separate ? "API (pid " + api.pid() + ") and worker (pid "
        + worker.pid() + "), separate JVMs, clustered" : "one JVM, both roles (pid " + api.pid() + ")")
        + "; code: " + (jars == null ? "this build (test classpath)" : jars)
        + (codeEnv.isEmpty() ? "" : " with " + codeEnv) + "; "
        + Runtime.getRuntime().availableProcessors() + " cores; " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version"));
    String extra = System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("MNEMOGRAPH_") && !e.getKey().startsWith("MNEMOGRAPH_BENCH")
            && !e.getKey().startsWith("MNEMOGRAPH_TEST"))
        .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
    if (!extra.isEmpty()) {
      line("node environment: " + extra);
    }
    line("");
  }

  private void seedAndDrain(LoadClient client, CpuMeter cpu, List<LocomoTurns.Turn> turns) throws Exception {
    CpuMeter.Sample storing = cpu.start();
    Stats s = client.closedLoop(seed, CONNECTIONS, i -> store(turns, i));
    Map<String, Double> storeCpu = storing.stop();
    assertEquals(0, s.failed(), "every seed store answered 201");
    line("| seed: %d stores, %d in flight (closed loop) | %.0f/s | p50 %.1f / p95 %.1f / p99 %.1f ms |"
        .formatted(seed, CONNECTIONS, s.achieved(), s.p50(), s.p95(), s.p99()));
    line("|   CPU (cores) | " + CpuMeter.format(storeCpu) + " | |");
    long start = System.nanoTime();
    long embeddedAtStart = embeddedCount(client);
    CpuMeter.Sample draining = cpu.start();
    while (!settled(client, seed)) {
      Thread.sleep(500);
      if (System.nanoTime() - start > Duration.ofMinutes(20).toNanos()) {
        throw new AssertionError("the seed backlog did not drain in 20 minutes");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    line("| seed backlog drained (embedded and linked) | %.0f embeddings/s | %d in %.1f s |"
        .formatted((seed - embeddedAtStart) / seconds, seed - embeddedAtStart, seconds));
    line("|   CPU (cores) | " + CpuMeter.format(draining.stop()) + " | |");
  }

  private void closedLoop(LoadClient client, CpuMeter cpu, Path dir, String key, int port, List<String> ids)
      throws Exception {
    String base = "http://127.0.0.1:" + port;
    Map<String, List<String>> targets = new LinkedHashMap<>();
    targets.put("GET /health", List.of("/health"));
    targets.put("GET /memories/?limit=10", List.of("/api/v1/memories/?limit=10"));
    targets.put("GET /memories/{id} (random of " + ids.size() + ")",
        ids.stream().map(id -> "/api/v1/memories/" + id).toList());
    // the access events of the GETs leave dead row versions behind until vacuum: the list once more after them
    targets.put("GET /memories/?limit=10 (after the GETs)", List.of("/api/v1/memories/?limit=10"));
    line("");
    line("| closed loop, %d connections (wrk), %d s, workers idle | req/s | p50 / p95 / p99 / max ms | non-2xx |"
        .formatted(CONNECTIONS, wrkTime.toSeconds()));
    line("|---|---|---|---|");
    for (var t : targets.entrySet()) {
      // a warm-up of the path first, so that the JIT has compiled it before it is measured
      Wrk.start(base, key, t.getValue(), CONNECTIONS, warmup, dir).await();
      CpuMeter.Sample sample = cpu.start();
      Wrk.Result r = Wrk.start(base, key, t.getValue(), CONNECTIONS, wrkTime, dir).await();
      Map<String, Double> used = sample.stop();
      line("| %s | **%.0f** | %.2f / %.2f / %.2f / %.1f | %d |".formatted(t.getKey(), r.perSecond(), r.p50(), r.p95(),
          r.p99(), r.max(), r.non2xx() + r.errors()));
      line("|   CPU (cores) | " + CpuMeter.format(used) + " | | |");
    }
  }

  /** Stores at each offered rate until the service cannot keep up; answers how many were sent. */
  private int stores(LoadClient client, CpuMeter cpu, List<LocomoTurns.Turn> turns, String title) {
    line("");
    line("| %s: offered/s, %d s each (open loop) | achieved/s | p50 / p95 / p99 / max ms | failed (5xx) |"
        .formatted(title, storeTime.toSeconds()));
    line("|---|---|---|---|");
    int sent = 0;
    for (double rate : storeRates) {
      CpuMeter.Sample sample = cpu.start();
      Stats s = client.openLoop(rate, storeTime, i -> store(turns, i));
      Map<String, Double> used = sample.stop();
      sent += s.requests();
      line("| %.0f | **%.0f** | %.1f / %.1f / %.1f / %.0f | %d (%d) |".formatted(rate, s.achieved(), s.p50(), s.p95(),
          s.p99(), s.max(), s.failed(), s.serverErrors()));
      line("|   CPU (cores) | " + CpuMeter.format(used) + " | | |");
      if (s.achieved() < 0.95 * rate || s.p99() > 2_000) {
        break;   // saturated: a higher rate would only queue more
      }
    }
    return sent;
  }

  private void drain(LoadClient client, CpuMeter cpu, int stored) throws Exception {
    long start = System.nanoTime();
    long first = embeddedCount(client);
    CpuMeter.Sample sample = cpu.start();
    long last = first;
    while (last < stored && System.nanoTime() - start < drainTime.toNanos()) {
      Thread.sleep(1_000);
      last = embeddedCount(client);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    line("");
    line("| queue drain after the stores (%d s at most) | %.0f embeddings/s | %d embedded in %.1f s, %d still waiting |"
        .formatted(drainTime.toSeconds(), (last - first) / seconds, last - first, seconds, stored - last));
    line("|   CPU (cores) | " + CpuMeter.format(sample.stop()) + " | |");
  }

  private static Call store(List<LocomoTurns.Turn> turns, int i) {
    return Call.post("/api/v1/memories/store", turns.get(i % turns.size()).asMemory());
  }

  private static long embeddedCount(LoadClient client) {
    return workspace(client).getLong("embedded_memory_count");
  }

  private static boolean settled(LoadClient client, int memories) {
    JsonObject ws = workspace(client);
    return ws.getLong("embedded_memory_count") >= memories && ws.getJsonObject("jobs").getLong("open") == 0;
  }

  private static JsonObject workspace(LoadClient client) {
    LoadClient.Answer a = client.call(Call.get("/api/v1/workspace"));
    assertEquals(200, a.status(), a.body().toString());
    return a.body().toJsonObject();
  }

  private static List<String> memoryIds(LoadClient client) {
    List<String> ids = new ArrayList<>();
    for (int offset = 0; ; offset += 500) {
      LoadClient.Answer a = client.call(Call.get("/api/v1/memories/index?limit=500&offset=" + offset));
      assertEquals(200, a.status(), a.body().toString());
      JsonArray page = a.body().toJsonArray();
      page.forEach(e -> ids.add(((JsonObject) e).getString("memory_id")));
      if (page.size() < 500) {
        return ids;
      }
    }
  }

  private void recreateDatabase(Pool admin) throws InterruptedException {
    admin.query("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)").execute().await();
    for (int attempt = 1; ; attempt++) {
      try {
        // the template has pgvector (created by a superuser); another session may be copying it right now
        admin.query("CREATE DATABASE " + DATABASE + " TEMPLATE mnemograph_template").execute().await();
        return;
      } catch (RuntimeException busy) {
        if (attempt == 20) {
          throw busy;
        }
        Thread.sleep(500);
      }
    }
  }

  /** PostgreSQL's sessions on the benchmark's database, or its background processes (WAL writer, …). */
  private static Set<Long> postgresPids(Pool bench, boolean sessions) {
    String sql = sessions ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        : "SELECT pid FROM pg_stat_activity WHERE datname IS NULL";
    Set<Long> pids = new HashSet<>();
    bench.query(sql).execute().await().forEach(r -> pids.add(r.getInteger(0).longValue()));
    return pids;
  }

  private static Set<Long> descendants(Process p) {
    return p.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  private Process start(Path dir, String role, Map<String, String> env, int hazelcastPort, List<Process> nodes)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(HAZELCAST_FLAGS);
    if (Boolean.getBoolean("bench.jfr")) {
      command.add("-XX:StartFlightRecording=settings=profile,filename=" + dir.resolve(role + ".jfr"));
    }
    command.addAll(List.of("-cp", classpath(role), "dev.mnemograph.Main", "serve", "--role", role));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(role + ".log").toFile()));
    pb.environment().putAll(env);
    if (hazelcastPort > 0) {
      pb.environment().put("MNEMOGRAPH_CLUSTER_PORT", String.valueOf(hazelcastPort));
    }
    pb.environment().put("MNEMOGRAPH_DATA_DIR", dir.resolve(role).toString());
    Process p = pb.start();
    nodes.add(p);
    return p;
  }

  private String classpath(String role) {
    if (jars == null) {
      return System.getProperty("java.class.path");
    }
    String api = Path.of(jars, "mnemograph-api.jar").toString();
    String worker = Path.of(jars, "mnemograph-worker.jar").toString();
    return switch (role) {
      case "api" -> api;
      case "worker" -> worker;
      default -> api + java.io.File.pathSeparator + worker;
    };
  }

  private static void awaitReady(int port, Process node, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    try (LoadClient probe = new LoadClient("127.0.0.1", port, "none")) {
      while (System.nanoTime() < deadline) {
        if (!node.isAlive()) {
          throw new AssertionError("node exited " + node.exitValue() + ":\n" + Files.readString(log));
        }
        try {
          if (probe.call(Call.get("/health/ready")).status() == 200) {
            return;
          }
        } catch (Exception notYet) {
          // not listening yet
        }
        Thread.sleep(250);
      }
    }
    throw new AssertionError("node not ready on " + port + ":\n" + Files.readString(log));
  }

  private void line(String s) {
    report.append(s).append('\n');
    System.out.println(s);
  }
}
