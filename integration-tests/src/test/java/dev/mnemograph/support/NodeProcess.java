package dev.mnemograph.support;

import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Mnemograph node in a JVM of its own (the test classpath, {@code serve --role ...}), as an operator starts
 * one: for the cluster test and the benchmarks that put the worker node in another process.
 */
public final class NodeProcess {
  /** The JVM flags Hazelcast asks for (VERTX5.md §4.5). */
  public static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private NodeProcess() {
  }

  /**
   * Starts {@code serve --role role} in {@code dir} with the given MNEMOGRAPH_* environment; its output goes to
   * {@code dir/<role>.log}.
   */
  public static Process start(Path dir, String role, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(HAZELCAST_FLAGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.mnemograph.Main", "serve", "--role", role));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(dir, role).toFile()));
    pb.environment().putAll(env);
    pb.environment().putIfAbsent("MNEMOGRAPH_DATA_DIR", dir.resolve(role).toString());
    return pb.start();
  }

  public static Path log(Path dir, String role) {
    return dir.resolve(role + ".log");
  }

  /** Until the node answers /health/ready on the port; fails with its log if it exits or takes 2 minutes. */
  public static void awaitReady(WebClient http, int port, Process node, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!node.isAlive()) {
        throw new AssertionError("node exited " + node.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (http.get(port, "127.0.0.1", "/health/ready").send().await().statusCode() == 200) {
          return;
        }
      } catch (Exception notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("node not ready on " + port + ":\n" + Files.readString(log));
  }

  /** Stops the node as SIGTERM does, forcibly after 30 s. */
  public static void stop(Process node) throws InterruptedException {
    node.destroy();
    if (!node.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      node.destroyForcibly();
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
