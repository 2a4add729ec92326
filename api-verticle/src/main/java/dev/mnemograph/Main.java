package dev.mnemograph;

import dev.mnemograph.cli.KeyCommand;
import dev.mnemograph.cli.ServeCommand;
import dev.mnemograph.cli.WorkspaceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar mnemograph.jar} starts the service; the subcommands manage workspaces and API keys.
 */
@Command(name = "mnemograph", mixinStandardHelpOptions = true, version = "Mnemograph 0.1.0",
    description = "Self-hosted memory service for AI coding agents.",
    subcommands = {ServeCommand.class, WorkspaceCommand.class, KeyCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    boolean serving = args.length == 0 || "serve".equals(args[0]);
    if (!serving && System.getenv("MNEMOGRAPH_LOG_LEVEL") == null) {
      System.setProperty("MNEMOGRAPH_LOG_LEVEL", "WARN");   // admin commands print their result, not the start-up story
    }
    CommandLine cli = new CommandLine(new Main())
        .setExecutionExceptionHandler((e, commandLine, parsed) -> {
          // Configuration and environment problems: the message says what to do; no stack trace.
          if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("mnemograph: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    int code = cli.execute(args.length == 0 ? new String[] {"serve"} : args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    new ServeCommand().call();
  }
}
