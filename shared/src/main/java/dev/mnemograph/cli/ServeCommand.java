package dev.mnemograph.cli;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.WorkspaceRepository;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Starts a node and keeps it running until the process is stopped. */
@Command(name = "serve", description = "Start the service (the default command).")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--role", paramLabel = "api|worker|all",
      description = "What this node runs: the HTTP API, the background workers, or both (default: every role "
          + "on the classpath; mnemograph-api.jar has the API, mnemograph-worker.jar the workers).")
  String role;

  @Override
  public Integer call() {
    AppConfig config = AppConfig.load(System.getenv());
    Set<String> roles = roles();
    if (config.embeddedDatabase() && !roles.containsAll(Set.of("api", "worker"))) {
      throw new IllegalArgumentException("The embedded database serves one process, which must run both roles "
          + "(both jars on the classpath); separate API and worker nodes need a real PostgreSQL "
          + "(database.url / MNEMOGRAPH_DATABASE_URL)");
    }
    long started = System.nanoTime();
    AtomicReference<DefaultWorkspace> defaultWorkspace = new AtomicReference<>();
    Mnemograph service = Mnemograph.start(config, roles, pool -> {
      if (roles.contains("api")) {
        defaultWorkspace.set(DefaultWorkspace.prepare(new WorkspaceRepository(pool), config));
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "mnemograph-shutdown"));
    service.database().embeddedDatabaseDied().ifPresent(died -> died.thenAccept(code -> {
      LoggerFactory.getLogger(ServeCommand.class)
          .error("The embedded database exited (code {}) while the service was running; stopping", code);
      System.exit(70);
    }));
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (roles.contains("api")) {
      defaultWorkspace.get().print(System.out, config, service.httpPort());
      System.out.printf("Mnemograph %s is ready on http://%s:%d/api/v1 (started in %d ms). Stop it with Ctrl-C.%n",
          roles.contains("worker") ? "(API and workers)" : "API node", config.httpHost(), service.httpPort(), ms);
    } else {
      System.out.printf("Mnemograph worker node is ready (started in %d ms). Stop it with Ctrl-C.%n", ms);
    }
    return 0;
  }

  private Set<String> roles() {
    Set<String> available = Mnemograph.available();
    if (role == null) {
      return available;
    }
    return switch (role) {
      case "all" -> Set.of("api", "worker");
      case "api", "worker" -> Set.of(role);
      default -> throw new IllegalArgumentException("--role must be api, worker or all, got '" + role + "'");
    };
  }
}
