package dev.mnemograph.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Applies the versioned SQL files of {@code schema/migrations} ({@code V<number>__<name>.sql}) that the
 * database has not seen yet, each recorded in {@code schema_migration}.
 *
 * <p>All of it runs in one transaction behind a transaction-scoped advisory lock, so processes that start
 * together apply each migration exactly once: the second waits, then finds nothing left to do.
 * (Flyway and the like need a JDBC connection of their own, which the single-session embedded database
 * cannot give; this is the small part of them we need.)
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCATION = "schema/migrations";
  private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__([\\w-]+)\\.sql");
  private static final long LOCK_KEY = 0x6d6e656d6f677261L;   // "mnemogra"

  record Migration(int version, String name, String sql) {
  }

  private Migrations() {
  }

  /** Returns how many migrations were applied now. */
  public static Future<Integer> apply(Pool pool) {
    List<Migration> all = load();
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute()
        .compose(v -> conn.query("""
            CREATE TABLE IF NOT EXISTS schema_migration (
              version    integer     PRIMARY KEY,
              name       text        NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now())""").execute())
        .compose(v -> conn.query("SELECT version FROM schema_migration").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row r : rows) {
            applied.add(r.getInteger(0));
          }
          List<Migration> pending = all.stream().filter(m -> !applied.contains(m.version())).toList();
          Future<Void> chain = Future.succeededFuture();
          for (Migration m : pending) {
            chain = chain.compose(v -> applyOne(conn, m));
          }
          return chain.map(pending.size());
        }))
        .onSuccess(n -> LOG.info("Database schema at version {} ({} migration(s) applied now)",
            all.isEmpty() ? 0 : all.get(all.size() - 1).version(), n));
  }

  private static Future<Void> applyOne(SqlConnection conn, Migration m) {
    LOG.info("Applying migration V{} {}", m.version(), m.name());
    return conn.query(m.sql()).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO schema_migration (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(m.version(), m.name())))
        .mapEmpty();
  }

  static List<Migration> load() {
    URL dir = Migrations.class.getClassLoader().getResource(LOCATION);
    if (dir == null) {
      throw new IllegalStateException(LOCATION + " is missing from the classpath");
    }
    try {
      URI uri = dir.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = newOrExisting(uri)) {
          return read(jar.provider().getPath(uri));
        }
      }
      return read(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static FileSystem newOrExisting(URI uri) throws IOException {
    try {
      return FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      return FileSystems.getFileSystem(uri);
    }
  }

  private static List<Migration> read(Path dir) throws IOException {
    List<Migration> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = FILE_NAME.matcher(f.getFileName().toString());
        if (m.matches()) {
          try (InputStream in = Files.newInputStream(f)) {
            out.add(new Migration(Integer.parseInt(m.group(1)), m.group(2),
                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
        }
      }
    }
    out.sort(Comparator.comparingInt(Migration::version));
    return out;
  }
}
