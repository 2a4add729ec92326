package dev.mnemograph.cli;

import dev.mnemograph.json.Timestamps;
import dev.mnemograph.workspace.ApiKeyInfo;
import dev.mnemograph.workspace.NewApiKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code key create|list|revoke}: API keys. Listings show a key's prefix, never the key. */
@Command(name = "key", description = "Manage API keys.",
    subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class})
public final class KeyCommand {

  @Command(name = "create", description = "Create another key for a workspace and print it (shown once).")
  static final class Create implements Callable<Integer> {
    @Parameters(paramLabel = "WORKSPACE", description = "Workspace id (ws-...) or name.")
    String workspace;

    @Option(names = "--name", defaultValue = "cli", description = "A label for the key (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() {
      NewApiKey created = AdminDatabase.run(ws -> ws.createKey(workspace, name).await());
      System.out.printf("API key for %s (%s): %s%nStore it now: only its hash is kept.%n",
          created.workspace().name(), created.workspace().workspaceId(), created.key());
      return 0;
    }
  }

  @Command(name = "list", description = "List keys: id, workspace, name, prefix, created, revoked.")
  static final class ListKeys implements Callable<Integer> {
    @Override
    public Integer call() {
      List<ApiKeyInfo> keys = AdminDatabase.run(ws -> ws.listKeys().await());
      System.out.printf("%-6s %-17s %-16s %-12s %-16s %-24s %s%n",
          "ID", "WORKSPACE", "WORKSPACE NAME", "NAME", "PREFIX", "CREATED", "STATUS");
      for (ApiKeyInfo k : keys) {
        System.out.printf("%-6d %-17s %-16s %-12s %-16s %-24s %s%n", k.keyId(), k.workspaceId(),
            k.workspaceName(), k.name(), k.keyPrefix() + "…", Timestamps.format(k.createdAt()),
            k.active() ? "active" : "revoked " + Timestamps.format(k.revokedAt()));
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a key by its id or its prefix (as 'key list' shows them).")
  static final class Revoke implements Callable<Integer> {
    @Parameters(paramLabel = "KEY", description = "Key id or prefix, e.g. 3 or mnemo_ab12cd34.")
    String key;

    @Override
    public Integer call() {
      int revoked = AdminDatabase.run(ws -> ws.revokeKey(key.replace("…", "")).await());
      if (revoked == 0) {
        System.err.println("No active key with id or prefix '" + key + "'.");
        return 1;
      }
      System.out.println("Revoked key " + key + ". Requests with it now get 401.");
      return 0;
    }
  }
}
