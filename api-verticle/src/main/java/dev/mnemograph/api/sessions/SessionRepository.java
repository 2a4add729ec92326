package dev.mnemograph.api.sessions;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.error.ConflictException;
import dev.mnemograph.error.NotFoundException;
import dev.mnemograph.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of sessions. A session's id is the client's, unique per workspace: a start inserts it unless it
 * exists; an existing one is answered if the start is the same (a retry), filled in if an observation made it
 * on the fly, and a conflict otherwise.
 */
public final class SessionRepository {
  private static final String INSERT = """
      INSERT INTO agent_session (workspace_id, session_id, project_name, branch_name, user_id, metadata)
      VALUES ($1, $2, $3, $4, $5, $6::jsonb)
      ON CONFLICT (workspace_id, session_id) DO NOTHING
      RETURNING\s""" + Session.COLUMNS;

  /** A session an observation made on the fly, started now by its client (only while it is still implicit). */
  private static final String FILL_IN = """
      UPDATE agent_session SET project_name = $3, branch_name = $4, user_id = $5, metadata = $6::jsonb,
                               implicit = false
      WHERE workspace_id = $1 AND session_id = $2 AND implicit
      RETURNING\s""" + Session.COLUMNS;

  private static final String GET = "SELECT " + Session.COLUMNS
      + " FROM agent_session WHERE workspace_id = $1 AND session_id = $2";

  private static final String LIST = "SELECT " + Session.COLUMNS
      + " FROM agent_session WHERE workspace_id = $1 ORDER BY started_at DESC, session_id LIMIT $2 OFFSET $3";

  /** The first end counts; ending again answers the session as it is. */
  private static final String END = """
      UPDATE agent_session SET ended_at = coalesce(ended_at, now())
      WHERE workspace_id = $1 AND session_id = $2
      RETURNING\s""" + Session.COLUMNS;

  /** Sessions that observations name and that do not exist yet, made on the fly ($2 the session ids). */
  private static final String ENSURE = """
      INSERT INTO agent_session (workspace_id, session_id, implicit)
      SELECT $1, s, true FROM unnest($2::text[]) s
      ON CONFLICT (workspace_id, session_id) DO NOTHING""";

  private final Pool pool;

  public SessionRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Session> start(String workspaceId, SessionStart start) {
    Tuple values = Tuple.of(workspaceId, start.sessionId(), start.projectName(), start.branchName(), start.userId(),
        start.metadata().encode());
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).mapping(Session::of).execute(values)
        .compose(inserted -> inserted.size() > 0 ? Future.succeededFuture(inserted.iterator().next())
            : conn.preparedQuery(FILL_IN).mapping(Session::of).execute(values).compose(filled -> filled.size() > 0
                ? Future.succeededFuture(filled.iterator().next())
                : get(conn, workspaceId, start.sessionId()).compose(existing -> existing.startedAs(start)
                    ? Future.succeededFuture(existing)
                    : Future.failedFuture(new ConflictException("Session '" + start.sessionId()
                        + "' was started already with other fields; start a new session under a new id."))))));
  }

  public Future<Session> get(String workspaceId, String sessionId) {
    return get(pool, workspaceId, sessionId);
  }

  private static Future<Session> get(SqlClient client, String workspaceId, String sessionId) {
    return client.preparedQuery(GET).mapping(Session::of).execute(Tuple.of(workspaceId, sessionId))
        .compose(rows -> one(rows, sessionId));
  }

  public Future<List<Session>> list(String workspaceId, int limit, int offset) {
    return pool.preparedQuery(LIST).mapping(Session::of).execute(Tuple.of(workspaceId, limit, offset)).map(rows -> {
      List<Session> out = new ArrayList<>(rows.size());
      rows.forEach(out::add);
      return out;
    });
  }

  /**
   * Ends the session and queues the extraction of its observations (if it has any not extracted yet), in one
   * transaction; {@code onQueued} is told after the commit, when a job was queued.
   */
  public Future<Session> end(String workspaceId, String sessionId, Runnable onQueued) {
    int[] queued = {0};
    return Transactions.run(pool, conn -> conn.preparedQuery(END).mapping(Session::of)
            .execute(Tuple.of(workspaceId, sessionId))
            .compose(rows -> one(rows, sessionId))
            .compose(session -> JobQueue.enqueueExtraction(conn, workspaceId, List.of(sessionId)).map(n -> {
              queued[0] = n;
              return session;
            })))
        .onSuccess(s -> {
          if (queued[0] > 0) {
            onQueued.run();
          }
        });
  }

  /** Makes the sessions these observations name that do not exist yet, in the caller's transaction. */
  public static Future<Void> ensure(SqlClient conn, String workspaceId, List<String> sessionIds) {
    return conn.preparedQuery(ENSURE)
        .execute(Tuple.of(workspaceId).addArrayOfString(sessionIds.toArray(String[]::new))).mapEmpty();
  }

  /** The session a statement answered, or a 404 for one the workspace does not have. */
  private static Future<Session> one(RowSet<Session> rows, String sessionId) {
    return rows.size() > 0 ? Future.succeededFuture(rows.iterator().next())
        : Future.failedFuture(new NotFoundException("Session '" + sessionId + "' not found."));
  }
}
