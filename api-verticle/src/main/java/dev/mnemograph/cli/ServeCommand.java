package dev.mnemograph.cli;

import dev.mnemograph.Mnemograph;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.jobs.JobSettings;
import dev.mnemograph.workspace.WorkspaceRepository;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Starts the service and keeps it running until the process is stopped. */
@Command(name = "serve", description = "Start the service (the default command).")
public final class ServeCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    AppConfig config = AppConfig.load(System.getenv());
    long started = System.nanoTime();
    AtomicReference<DefaultWorkspace> defaultWorkspace = new AtomicReference<>();
    Mnemograph service = Mnemograph.start(config, JobSettings.DEFAULT,
        pool -> defaultWorkspace.set(DefaultWorkspace.prepare(new WorkspaceRepository(pool), config)));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "mnemograph-shutdown"));
    service.database().embeddedDatabaseDied().ifPresent(died -> died.thenAccept(code -> {
      LoggerFactory.getLogger(ServeCommand.class)
          .error("The embedded database exited (code {}) while the service was running; stopping", code);
      System.exit(70);
    }));
    defaultWorkspace.get().print(System.out, config, service.httpPort());
    System.out.printf("Mnemograph is ready on http://%s:%d/api/v1 (started in %d ms). Stop it with Ctrl-C.%n",
        config.httpHost(), service.httpPort(), (System.nanoTime() - started) / 1_000_000);
    return 0;
  }
}
