package dev.mnemograph;

import dev.mnemograph.cli.JobCommand;
import dev.mnemograph.cli.KeyCommand;
import dev.mnemograph.cli.ServeCommand;
import dev.mnemograph.cli.WorkspaceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar mnemograph-api.jar} starts an API node, {@code java -jar mnemograph-worker.jar} a worker node,
 * both jars on one classpath both roles in one process; the subcommands manage workspaces, API keys and jobs.
 */
@Command(name = "mnemograph", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    version = "Mnemograph 0.1.0", description = "Self-hosted memory service for AI coding agents.",
    subcommands = {ServeCommand.class, WorkspaceCommand.class, KeyCommand.class, JobCommand.class},
    footer = {"", "Every command answers --help; with no command, mnemograph serves.",
        "Configuration: mnemograph.json in the working directory (or the file named by",
        "MNEMOGRAPH_CONFIG), then MNEMOGRAPH_* environment variables, for example",
        "  MNEMOGRAPH_DATABASE_URL=postgresql://user:password@host:5432/db",
        "Every key: docs/configuration.md."})
public final class Main {

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    // Both artifacts on one classpath carry the same logback.xml; logback would print its whole status for that.
    if (System.getProperty("logback.statusListenerClass") == null) {
      System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    }
    boolean serving = args.length == 0 || "serve".equals(args[0]);
    if (!serving && System.getenv("MNEMOGRAPH_LOG_LEVEL") == null) {
      System.setProperty("MNEMOGRAPH_LOG_LEVEL", "WARN");   // admin commands print their result, not the start-up story
    }
    int code = commandLine().execute(args.length == 0 ? new String[] {"serve"} : args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The command line with its subcommands, as {@link #main} runs it. */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, commandLine, parsed) -> {
          // Configuration and environment problems: the message says what to do; no stack trace.
          if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("mnemograph: " + e.getMessage());
            return 2;
          }
          throw e;
        });
  }
}
