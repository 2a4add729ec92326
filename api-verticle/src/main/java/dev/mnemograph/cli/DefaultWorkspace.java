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
 * First start: creates the workspace "default" with a key, prints the key and keeps it in
 * {@code <data dir>/default-api-key} (owner-only). Later starts print the same key from that file.
 * Printed to the console, never to a log.
 */
final class DefaultWorkspace {
  static final String NAME = "default";
  static final String KEY_FILE = "default-api-key";

  private DefaultWorkspace() {
  }

  static void announce(WorkspaceRepository workspaces, AppConfig config, int port, PrintStream out) {
    Path keyFile = config.dataDir().resolve(KEY_FILE);
    Optional<Workspace> existing = workspaces.findWorkspace(NAME).await();
    if (existing.isEmpty() && workspaces.firstWorkspace().await().isEmpty()) {
      NewApiKey created = workspaces.createWorkspace(NAME, NAME).await();
      writeOwnerOnly(keyFile, created.key());
      out.printf("%nCreated workspace '%s' (%s).%n", NAME, created.workspace().workspaceId());
      printKey(out, created.key(), keyFile, config, port);
    } else if (Files.isReadable(keyFile) && workspaces.workspaceOfKey(read(keyFile)).await().isPresent()) {
      printKey(out, read(keyFile), keyFile, config, port);
    } else {
      out.printf("%nWorkspaces exist. Create a key with: java -jar mnemograph.jar key create <workspace>%n");
    }
  }

  private static void printKey(PrintStream out, String key, Path keyFile, AppConfig config, int port) {
    out.printf("API key: %s%n(kept in %s)%n", key, keyFile);
    out.printf("Try:  curl -H 'Authorization: Token %s' http://%s:%d/api/v1/memories/%n%n",
        key, config.httpHost(), port);
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
