package dev.mnemograph;

import dev.mnemograph.support.NodeProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as a user runs it, in its own JVM: first start creates and prints a key, a SIGKILL leaves
 * nothing that blocks the next start, and the second start has the same data and key, which it does not
 * print again (stdout is the log under a service manager). A SIGKILL under writes, of the service or of its
 * PGlite process alone (the service then exits 70 for its supervisor to restart it), loses no acknowledged write.
 */
@Tag("slow")
class EmbeddedRestartTest {
  private final Path dataDir = Path.of("target", "test-data", "restart-" + UUID.randomUUID()).toAbsolutePath();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void a_killed_service_starts_again_with_its_data_and_key() throws Exception {
    int port = NodeProcess.freePort();
    StringBuilder firstOutput = new StringBuilder();
    Process first = start(port, firstOutput);
    String key = Files.readString(dataDir.resolve("default-api-key")).trim();
    assertTrue(key.startsWith("mnemo_"));
    assertTrue(awaitReadyLine(firstOutput).contains("API key: " + key), firstOutput.toString());
    HttpResponse<String> stored = send(port, key, HttpRequest.newBuilder()
        .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"survives\", \"narrative\": \"a SIGKILL\"}"))
        .header("Content-Type", "application/json"), "/api/v1/memories/store");
    assertEquals(201, stored.statusCode(), stored.body());
    String memoryId = new JsonObject(stored.body()).getString("memory_id");
    long databasePid = Long.parseLong(Files.readString(dataDir.resolve("pglite.pid")).trim());

    first.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook runs

    ProcessHandle.of(databasePid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    StringBuilder secondOutput = new StringBuilder();
    Process second = start(port, secondOutput);
    try {
      assertEquals(key, Files.readString(dataDir.resolve("default-api-key")).trim());
      String printed = awaitReadyLine(secondOutput);
      assertFalse(printed.contains(key.substring("mnemo_".length())), "the key is printed once:\n" + printed);
      assertTrue(printed.contains(dataDir.resolve("default-api-key").toString()), "and where it is kept:\n" + printed);
      HttpResponse<String> got = send(port, key, HttpRequest.newBuilder().GET(), "/api/v1/memories/" + memoryId);
      assertEquals(200, got.statusCode(), got.body());
      assertEquals("survives", new JsonObject(got.body()).getString("title"));
    } finally {
      second.destroy();
      assertTrue(second.waitFor(30, TimeUnit.SECONDS), "a clean stop takes well under 30 s");
    }
    assertFalse(Files.exists(dataDir.resolve("pglite.pid")), "a clean stop leaves no pid file");
  }

  @Test
  void acknowledged_writes_survive_a_sigkill_of_the_service_and_of_its_database_alone() throws Exception {
    int port = NodeProcess.freePort();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Process service = start(port, new StringBuilder());
    String key = Files.readString(dataDir.resolve("default-api-key")).trim();
    for (String victim : new String[] {"service", "database"}) {
      long databasePid = Long.parseLong(Files.readString(dataDir.resolve("pglite.pid")).trim());
      int before = acknowledged.size();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          for (int i = 0; writing.get(); i++) {
            try {
              HttpResponse<String> res = send(port, key, HttpRequest.newBuilder().timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("title", victim + " " + writer + "-" + i)
                      .put("narrative", "Stored while the " + victim + " may be killed.").encode()))
                  .header("Content-Type", "application/json"), "/api/v1/memories/store");
              if (res.statusCode() == 201) {
                acknowledged.add(new JsonObject(res.body()).getString("memory_id"));
              }
            } catch (IOException | InterruptedException gone) {
              return;   // killed under this request: not acknowledged
            }
          }
        });
        t.start();
        writers.add(t);
      }
      Thread.sleep(2_500);
      if (victim.equals("service")) {
        service.destroyForcibly().waitFor();   // SIGKILL: no shutdown hook runs
      } else {
        ProcessHandle.of(databasePid).orElseThrow().destroyForcibly();
        assertTrue(service.waitFor(30, TimeUnit.SECONDS), "the service stops when its database dies");
        assertEquals(70, service.exitValue());
      }
      writing.set(false);
      for (Thread t : writers) {
        t.join(15_000);
      }
      ProcessHandle.of(databasePid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
      assertTrue(acknowledged.size() > before + 20, "writes went on until the kill: " + (acknowledged.size() - before));
      service = start(port, new StringBuilder());
      for (String id : acknowledged) {
        HttpResponse<String> got = send(port, key, HttpRequest.newBuilder().GET(), "/api/v1/memories/" + id);
        assertEquals(200, got.statusCode(), "after killing the " + victim + ": " + id + " " + got.body());
      }
      System.out.printf("EmbeddedRestartTest: SIGKILL of the %s under 4 writers: %d acknowledged stores, all present "
          + "after the next start%n", victim, acknowledged.size() - before);
    }
    service.destroy();
    assertTrue(service.waitFor(30, TimeUnit.SECONDS));
  }

  /** The output up to the line that says the service is ready (printed just after it starts answering). */
  private static String awaitReadyLine(StringBuilder output) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      synchronized (output) {
        if (output.indexOf(" is ready on ") >= 0) {
          return output.toString();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no ready line:\n" + output);
  }

  private Process start(int port, StringBuilder output) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true);
    pb.environment().put("MNEMOGRAPH_DATA_DIR", dataDir.toString());
    pb.environment().put("MNEMOGRAPH_HTTP_PORT", Integer.toString(port));
    pb.environment().remove("MNEMOGRAPH_DATABASE_URL");
    Process p = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    });
    reader.setDaemon(true);
    reader.start();
    // As a script would: wait until the service answers, then use it (the key file must be there by then).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        reader.join(5_000);
        synchronized (output) {
          throw new AssertionError("service exited before it answered:\n" + output);
        }
      }
      try {
        HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (health.statusCode() == 200) {
          return p;
        }
      } catch (IOException notListeningYet) {
        // keep waiting
      }
      Thread.sleep(100);
    }
    p.destroyForcibly();
    throw new AssertionError("service did not answer within 120 s");
  }

  private HttpResponse<String> send(int port, String key, HttpRequest.Builder request, String path)
      throws IOException, InterruptedException {
    return http.send(request.uri(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Token " + key).build(), HttpResponse.BodyHandlers.ofString());
  }
}
