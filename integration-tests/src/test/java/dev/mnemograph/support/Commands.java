package dev.mnemograph.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program (npm, node) from the tests, in a folder of the test sources, as a developer would. */
public final class Commands {
  private Commands() {
  }

  /**
   * Runs {@code command} in {@code dir} with {@code env} added; its stdout and stderr go to
   * {@code outputDir/<program>.out} and {@code .err}. Fails the test unless it exits 0 within the timeout.
   * Answers the stdout file.
   */
  public static Path run(Path dir, Path outputDir, Duration timeout, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Files.createDirectories(outputDir);
    Path stdout = outputDir.resolve(command[0] + ".out");
    Path stderr = outputDir.resolve(command[0] + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
          + "\nstdout: " + Files.readString(stdout) + "\nstderr: " + Files.readString(stderr));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + "\nstdout: "
          + Files.readString(stdout) + "\nstderr: " + Files.readString(stderr));
    }
    return stdout;
  }

  /** {@code npm ci} in {@code dir}: the lockfile's packages, nothing else. */
  public static void npmCi(Path dir, Path outputDir) throws IOException, InterruptedException {
    run(dir, outputDir, Duration.ofMinutes(3), Map.of(), "npm", "ci", "--no-audit", "--no-fund");
  }

  /** The last line of a program's output, as JSON (the scripts print their findings last). */
  public static JsonObject lastJsonLine(Path stdout) throws IOException {
    String out = Files.readString(stdout).strip();
    return new JsonObject(out.substring(out.lastIndexOf('\n') + 1));
  }
}
