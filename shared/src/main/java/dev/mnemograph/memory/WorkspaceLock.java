package dev.mnemograph.memory;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.TreeSet;

/**
 * A transaction-scoped PostgreSQL advisory lock per workspace that keeps deletions and the writes that link
 * memories from deadlocking each other.
 *
 * <p>Deleting memories locks their rows and then, through ON DELETE CASCADE, their relationship rows;
 * relationship discovery locks relationship rows first (replacing a memory's edges) and then the rows of the
 * memories it links to (the foreign-key check). On a real pool the two met in opposite orders and PostgreSQL
 * aborted one with a deadlock (seen in CI as a 500 from batch-delete). So writers of vectors and edges hold
 * the workspace's lock shared (they run side by side), and deletions hold it exclusive, taken first thing in
 * the transaction: a delete waits for the linking in flight, and linking waits for the delete.
 */
public final class WorkspaceLock {

  /** Advisory-lock class of workspace locks (the migrator's single-key lock lives in another key space). */
  private static final int WORKSPACE_CLASS = 1;
  /** Advisory-lock class of the discovery lock: one relationship discovery per workspace at a time. */
  private static final int DISCOVERY_CLASS = 2;

  private static final String SHARED = "SELECT pg_advisory_xact_lock_shared($1, hashtext($2))";
  private static final String EXCLUSIVE = "SELECT pg_advisory_xact_lock($1, hashtext($2))";

  private WorkspaceLock() {
  }

  /** For writes that add vectors or edges to the workspace's memories. */
  public static Future<Void> forLinking(SqlClient conn, String workspaceId) {
    return conn.preparedQuery(SHARED).execute(Tuple.of(WORKSPACE_CLASS, workspaceId)).mapEmpty();
  }

  /** {@link #forLinking} for several workspaces, in one order everywhere. */
  public static Future<Void> forLinking(SqlClient conn, Collection<String> workspaceIds) {
    Future<Void> chain = Future.succeededFuture();
    for (String workspaceId : new TreeSet<>(workspaceIds)) {
      chain = chain.compose(v -> forLinking(conn, workspaceId));
    }
    return chain;
  }

  /**
   * For relationship discovery, after {@link #forLinking}: held exclusively, so that a discovery batch sees
   * every choice the one before it made in the workspace (what it offers to whom depends on them). Taken in
   * one order everywhere.
   */
  public static Future<Void> forDiscovery(SqlClient conn, Collection<String> workspaceIds) {
    Future<Void> chain = Future.succeededFuture();
    for (String workspaceId : new TreeSet<>(workspaceIds)) {
      chain = chain.compose(v -> conn.preparedQuery(EXCLUSIVE).execute(Tuple.of(DISCOVERY_CLASS, workspaceId))
          .mapEmpty());
    }
    return chain;
  }

  /** For deleting memories of the workspace. */
  public static Future<Void> forDeletion(SqlClient conn, String workspaceId) {
    return conn.preparedQuery(EXCLUSIVE).execute(Tuple.of(WORKSPACE_CLASS, workspaceId)).mapEmpty();
  }
}
