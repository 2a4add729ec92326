package dev.mnemograph.idempotency;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.error.InvalidRequestException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Writes that a client may send again with the same {@code Idempotency-Key}: the first answer to a key is
 * stored in the transaction of the write it answers, and a retry of the same request within
 * {@link #RETENTION} gets that answer again and writes nothing. The same key with another request is a 422.
 * Retries that arrive while the first is still running wait for it (a transaction-scoped advisory lock on
 * the workspace and key), then get its answer; a write that failed stored nothing, so its retry runs again.
 */
public final class IdempotentWrites {
  public static final Duration RETENTION = Duration.ofHours(24);

  /** Advisory-lock class of idempotency keys (workspace locks use 1 and 2). */
  private static final int KEY_CLASS = 3;

  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + KEY_CLASS + ", hashtext($1::text || ' ' || $2::text))";

  private static final String FIND = """
      SELECT request_fingerprint, status_code, response_body FROM idempotency_key
      WHERE workspace_id = $1 AND idempotency_key = $2 AND created_at > now() - make_interval(secs => $3)""";

  /** A key past the retention is taken over by the new request. */
  private static final String RECORD = """
      INSERT INTO idempotency_key (workspace_id, idempotency_key, request_fingerprint, status_code, response_body)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (workspace_id, idempotency_key) DO UPDATE
        SET request_fingerprint = excluded.request_fingerprint, status_code = excluded.status_code,
            response_body = excluded.response_body, created_at = now()""";

  private static final String PURGE =
      "DELETE FROM idempotency_key WHERE created_at < now() - make_interval(secs => $1)";

  /**
   * One keyed request.
   *
   * @param fingerprint what makes two requests the same request ({@link #fingerprint})
   */
  public record Request(String workspaceId, String key, String fingerprint) {
  }

  /**
   * An answer to a write: its status and JSON body, and what the write made; {@code written} is null when the
   * answer is the stored one of an earlier request, replayed.
   */
  public record Answer<T>(int status, String body, T written) {
    public boolean replayed() {
      return written == null;
    }
  }

  private IdempotentWrites() {
  }

  /** SHA-256 of the method, the path and the body (as parsed, so its spacing does not matter), as hex. */
  public static String fingerprint(String method, String path, String body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((method + ' ' + path + '\n' + body).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Runs {@code write} in a transaction that also records its answer ({@code status} and {@code body} of what it
   * wrote, never null), unless the key has one already.
   */
  public static <T> Future<Answer<T>> run(Pool pool, Request request, int status,
                                          Function<SqlConnection, Future<T>> write, Function<T, String> body) {
    return Transactions.run(pool, conn -> conn.preparedQuery(LOCK).execute(Tuple.of(request.workspaceId(), request.key()))
        .compose(v -> conn.preparedQuery(FIND).execute(Tuple.of(request.workspaceId(), request.key(),
            RETENTION.toSeconds())))
        .compose(rows -> {
          if (rows.size() > 0) {
            return stored(rows.iterator().next(), request);
          }
          return write.apply(conn).compose(written -> {
            Answer<T> answer = new Answer<>(status, body.apply(written), written);
            return conn.preparedQuery(RECORD).execute(Tuple.of(request.workspaceId(), request.key(),
                request.fingerprint(), answer.status(), answer.body())).map(answer);
          });
        }));
  }

  private static <T> Future<Answer<T>> stored(Row r, Request request) {
    if (!r.getString("request_fingerprint").equals(request.fingerprint())) {
      return Future.failedFuture(new InvalidRequestException(List.of("header", "Idempotency-Key"),
          "This Idempotency-Key was used for a different request in the last 24 hours; send a new key with a "
              + "new request.", "idempotency_key_reused"));
    }
    return Future.succeededFuture(new Answer<>(r.getInteger("status_code"), r.getString("response_body"), null));
  }

  /** Forgets keys past the retention; answers how many. */
  public static Future<Integer> purge(Pool pool) {
    return pool.preparedQuery(PURGE).execute(Tuple.of(RETENTION.toSeconds())).map(rows -> rows.rowCount());
  }
}
