package dev.mnemograph.cli;

import dev.mnemograph.workspace.NewApiKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code workspace create <name>}: a new workspace and its first API key. */
@Command(name = "workspace", description = "Manage workspaces.", subcommands = WorkspaceCommand.Create.class)
public final class WorkspaceCommand {

  @Command(name = "create", description = "Create a workspace and print its first API key (shown once).")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Unique workspace name.")
    String name;

    @Option(names = "--key-name", defaultValue = "default", description = "A label for the key (default: ${DEFAULT-VALUE}).")
    String keyName;

    @Override
    public Integer call() {
      NewApiKey created = AdminDatabase.run(ws -> ws.createWorkspace(name, keyName).await());
      System.out.printf("Workspace %s (%s)%nAPI key: %s%nStore it now: only its hash is kept.%n",
          created.workspace().name(), created.workspace().workspaceId(), created.key());
      return 0;
    }
  }
}
