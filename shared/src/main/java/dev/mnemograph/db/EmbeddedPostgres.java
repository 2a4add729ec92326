package dev.mnemograph.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded database: PGlite (PostgreSQL 18 in WebAssembly, with pgvector) served over the wire
 * protocol by {@code server.mjs}, a Node child process on a free loopback port.
 *
 * <p>The pinned npm packages are installed on first use into a cache directory keyed by the lockfile's
 * hash, so the jar alone is enough to run and a changed lockfile gets a fresh install.
 *
 * <p>Crash safety: an OS file lock on the data directory (released by the kernel even on SIGKILL) keeps
 * two services off one database; the child exits when its stdin closes, which happens when this JVM dies
 * however it dies; and a child left over from a killed run is stopped before a new one starts.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String RESOURCES = "pglite/";
  private static final List<String> RUNTIME_FILES = List.of("package.json", "package-lock.json", "server.mjs");
  private static final Pattern READY = Pattern.compile("PGLITE_READY port=(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";
  public static final String DATABASE = "postgres";

  private final Process process;
  private final int port;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path pidFile;
  private volatile boolean closing;

  private EmbeddedPostgres(Process process, int port, FileChannel lockChannel, FileLock lock, Path pidFile) {
    this.process = process;
    this.port = port;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.pidFile = pidFile;
  }

  /** Completes with the exit code if the database process ends without {@link #close()} asking it to. */
  public CompletableFuture<Integer> unexpectedExit() {
    return process.onExit().thenCompose(p -> closing ? new CompletableFuture<>()
        : CompletableFuture.completedFuture(p.exitValue()));
  }

  public int port() {
    return port;
  }

  /** Starts PGlite on {@code dataDir/pglite}, blocking until it accepts connections. */
  public static EmbeddedPostgres start(Path dataDir, String nodeCommand) {
    try {
      Files.createDirectories(dataDir);
      FileChannel channel = FileChannel.open(dataDir.resolve("mnemograph.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("Another Mnemograph process is using the data directory " + dataDir
            + "; stop it first (the embedded database serves one process).");
      }
      try {
        Path pidFile = dataDir.resolve("pglite.pid");
        stopLeftoverServer(pidFile);
        Path runtime = installRuntime(nodeCommand);
        return launch(nodeCommand, runtime, dataDir.resolve("pglite"), pidFile, channel, lock);
      } catch (RuntimeException | IOException e) {
        lock.release();
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded database in " + dataDir, e);
    }
  }

  private static EmbeddedPostgres launch(String node, Path runtime, Path pgDir, Path pidFile,
                                         FileChannel channel, FileLock lock) throws IOException {
    long started = System.nanoTime();
    Process process = new ProcessBuilder(node, runtime.resolve("server.mjs").toString(),
        "--data-dir", pgDir.toString(), "--host", "127.0.0.1", "--port", "0")
        .redirectErrorStream(true)
        .start();
    Files.writeString(pidFile, Long.toString(process.pid()));
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> pumpOutput(process.getInputStream(), ready), "pglite-output");
    reader.setDaemon(true);
    reader.start();
    process.onExit().thenRun(() -> ready.completeExceptionally(
        new IllegalStateException("The embedded database exited with code " + process.exitValue()
            + " before it was ready; its output is logged under 'pglite'")));
    try {
      int port = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("Embedded PostgreSQL (PGlite) ready on 127.0.0.1:{} with data in {} after {} ms",
          port, pgDir, (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedPostgres(process, port, channel, lock, pidFile);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("The embedded database did not start: " + cause.getMessage(), cause);
    }
  }

  private static void pumpOutput(InputStream output, CompletableFuture<Integer> ready) {
    Logger pglite = LoggerFactory.getLogger("pglite");
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        Matcher m = READY.matcher(line);
        if (!ready.isDone() && m.find()) {
          ready.complete(Integer.parseInt(m.group(1)));
        } else if (line.contains(" LOG: ") && !line.contains("recover")) {
          pglite.debug(line);   // start-up chatter; crash recovery stays visible
        } else {
          pglite.info(line);
        }
      }
    } catch (IOException e) {
      pglite.debug("output closed", e);
    }
  }

  /** A child from a run that was killed may still be finishing; it must be gone before a new one opens the data. */
  private static void stopLeftoverServer(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String text = Files.readString(pidFile).trim();
    Files.delete(pidFile);
    Optional<ProcessHandle> leftover;
    try {
      leftover = ProcessHandle.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return;
    }
    leftover.filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("server.mjs")).orElse(false))
        .ifPresent(p -> {
          LOG.warn("Stopping embedded database process {} left over from an earlier run", p.pid());
          p.destroy();
          try {
            p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            p.destroyForcibly();
          }
        });
  }

  /** Installs the pinned npm packages once per lockfile into {@code ~/.cache/mnemograph/pglite-<hash>}. */
  static Path installRuntime(String node) throws IOException {
    byte[][] files = new byte[RUNTIME_FILES.size()][];
    for (int i = 0; i < files.length; i++) {
      files[i] = resource(RUNTIME_FILES.get(i));
    }
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "mnemograph");
    Path runtime = cache.resolve("pglite-" + hash(files));
    if (Files.exists(runtime.resolve("node_modules"))) {
      return runtime;
    }
    Files.createDirectories(cache);
    try (FileChannel installLock = FileChannel.open(cache.resolve("install.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock ignored = installLock.lock()) {
      if (Files.exists(runtime.resolve("node_modules"))) {
        return runtime;       // another process installed it while we waited
      }
      Path staging = Files.createTempDirectory(cache, "staging-");
      for (int i = 0; i < files.length; i++) {
        Files.write(staging.resolve(RUNTIME_FILES.get(i)), files[i]);
      }
      LOG.info("Installing the embedded database's npm packages (first start only) into {}", runtime);
      String npm = Path.of(node).getParent() == null ? "npm" : Path.of(node).resolveSibling("npm").toString();
      Process install = new ProcessBuilder(npm, "ci", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(staging.toFile())
          .redirectErrorStream(true)
          .start();
      String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = install.waitFor();
      if (code != 0) {
        throw new IllegalStateException("'npm ci' for the embedded database failed (exit " + code + "); "
            + "Node.js 20+ with npm and access to the npm registry are needed:\n" + output);
      }
      Files.move(staging, runtime, StandardCopyOption.ATOMIC_MOVE);
      return runtime;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while installing the embedded database", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("Cannot run program")) {
        throw new IllegalStateException("The embedded database needs Node.js 20+ and npm on the PATH "
            + "(or set MNEMOGRAPH_EMBEDDED_NODE), or configure a PostgreSQL with MNEMOGRAPH_DATABASE_URL", e);
      }
      throw e;
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCES + name + " in the jar");
      }
      return in.readAllBytes();
    }
  }

  private static String hash(byte[][] files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] f : files) {
        sha.update(f);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops PGlite (SIGTERM lets it flush), then releases the data directory. */
  @Override
  public void close() {
    closing = true;
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Embedded database did not stop within {} s; killing it", STOP_TIMEOUT.toSeconds());
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(pidFile);
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Could not release the data directory lock", e);
    }
    LOG.info("Embedded PostgreSQL stopped");
  }
}
