package dev.mnemograph.cli;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.workspace.NewApiKey;
import dev.mnemograph.workspace.Workspace;
import dev.mnemograph.workspace.WorkspaceRepository;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * First start: creates the workspace "default" with a key and keeps the key in
 * {@code <data dir>/default-api-key} (owner-only). Later starts find the same key in that file. Runs before
 * the API listens, so a client that waits for the service to answer can read the file. The key is printed
 * to the console once, by the start that made it (never to a log); later starts print where it is kept.
 *
 * @param createdWorkspaceId the workspace made by this start, else null
 * @param key the default workspace's key, null when it is unknown (workspaces exist, the file does not hold a
 *            valid key)
 */
record DefaultWorkspace(String createdWorkspaceId, String key, Path keyFile) {
  static final String NAME = "default";
  static final String KEY_FILE = "default-api-key";

  static DefaultWorkspace prepare(WorkspaceRepository workspaces, AppConfig config) {
    Path keyFile = config.dataDir().resolve(KEY_FILE);
    Optional<Workspace> existing = workspaces.findWorkspace(NAME).await();
    if (existing.isEmpty() && workspaces.firstWorkspace().await().isEmpty()) {
      NewApiKey created = workspaces.createWorkspace(NAME, NAME).await();
      writeOwnerOnly(keyFile, created.key());
      return new DefaultWorkspace(created.workspace().workspaceId(), created.key(), keyFile);
    }
    String stored = Files.isReadable(keyFile) ? read(keyFile) : null;
    boolean valid = stored != null && workspaces.workspaceOfKey(stored).await().isPresent();
    return new DefaultWorkspace(null, valid ? stored : null, keyFile);
  }

  void print(PrintStream out, AppConfig config, int port) {
    if (key == null) {
      out.printf("%nWorkspaces exist. Create a key with: java -jar mnemograph-api.jar key create <workspace>%n");
      return;
    }
    String url = "http://" + config.httpHost() + ":" + port + "/api/v1/memories/";
    if (createdWorkspaceId != null) {
      out.printf("%nCreated workspace '%s' (%s).%nAPI key: %s%n(kept in %s; later starts do not print it)%n",
          NAME, createdWorkspaceId, key, keyFile);
      out.printf("Try:  curl -H 'Authorization: Token %s' %s%n%n", key, url);
    } else {
      // stdout is the log under a service manager: the key went there once, when it was made
      out.printf("%nThe API key of workspace '%s' is in %s.%n", NAME, keyFile);
      out.printf("Try:  curl -H \"Authorization: Token $(cat %s)\" %s%n%n", keyFile, url);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeOwnerOnly(Path file, String key) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, key + System.lineSeparator());
    } catch (UnsupportedOperationException e) {
      writePlain(file, key);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private static void writePlain(Path file, String key) {
    try {
      Files.writeString(file, key + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
