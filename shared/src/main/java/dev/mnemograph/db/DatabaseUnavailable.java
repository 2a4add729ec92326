package dev.mnemograph.db;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures that mean "the database cannot serve this right now" (answered 503 with Retry-After) from
 * the others: no connection could be made or the one in use was lost (any I/O error: refused, reset by a server
 * that was killed, closed; a request does no other I/O), the pool had none to give in time, or
 * PostgreSQL itself says it is shutting down, starting, or out of connections ({@link #is}); or the statement
 * ran past the session's {@code statement_timeout}, mostly waiting for a lock ({@link #timedOut}). Both
 * failed statements roll their transaction back, so nothing is half-written.
 */
public final class DatabaseUnavailable {
  public static final String UNREACHABLE = "The memory service cannot reach its database; try again shortly.";
  public static final String TIMED_OUT = "The database did not finish this request within the statement "
      + "timeout; nothing was changed. Try again shortly.";
  /** SQLSTATEs of a server that cannot serve now: admin/crash shutdown, cannot connect now, too many connections. */
  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300");
  /** query_canceled (what statement_timeout raises), lock_not_available (lock_timeout). */
  private static final Set<String> TIMEOUT_STATES = Set.of("57014", "55P03");

  private DatabaseUnavailable() {
  }

  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException || t instanceof TimeoutException || t instanceof NoStackTraceTimeoutException
          // the connection went while a statement waited for its answer (seen as a 500 in DatabaseOutageTest)
          || t instanceof ClosedConnectionException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || STATES.contains(pg.getSqlState()))) {
        return true;
      }
      // the pool's own words: a connection lost under a query, or none free within the wait
      if (t instanceof VertxException && t.getMessage() != null
          && (t.getMessage().contains("Connection is closed") || t.getMessage().contains("Connection closed")
              || t.getMessage().contains("Connection is not active now")
              || t.getMessage().contains("Timeout waiting for connection")
              || t.getMessage().contains("Pool closed"))) {
        return true;
      }
    }
    return false;
  }

  public static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && TIMEOUT_STATES.contains(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }
}
