package dev.mnemograph.api.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * {@code Authorization: Token <key>}, as the contract's apiKey scheme. The authenticated user's subject
 * is the key's workspace id; a Bearer, missing, unknown or revoked key is a 401 (a revoked one within the
 * key cache's TTL, {@link ApiKeyCache}); a key over its rate on this node is a 429.
 */
public final class TokenAuth {
  private static final String SCHEME = "Token ";

  private TokenAuth() {
  }

  public static APIKeyHandler handler(ApiKeyCache keys) {
    AuthenticationProvider provider = credentials -> {
      String key = ((TokenCredentials) credentials).getToken();
      return keys.workspaceOfKey(key)
          .compose(ws -> ws.map(id -> admitted(keys, key, id))
              .orElseGet(() -> Future.failedFuture(new HttpException(401, "Invalid or revoked API key."))));
    };
    return APIKeyHandler.create(provider).header("Authorization").tokenExtractor(header -> {
      String key = key(header);
      return key != null ? Future.succeededFuture(key) : Future.failedFuture(new HttpException(401,
          "Use 'Authorization: Token <api-key>'; other schemes such as Bearer are not accepted."));
    });
  }

  /** The key of an {@code Authorization: Token <key>} header; null for another scheme or none. */
  public static String key(String authorization) {
    if (authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        && !authorization.substring(SCHEME.length()).isBlank()) {
      return authorization.substring(SCHEME.length()).trim();
    }
    return null;
  }

  private static Future<User> admitted(ApiKeyCache keys, String key, String workspaceId) {
    long retryAfter = keys.admit(key);
    return retryAfter == 0 ? Future.succeededFuture(User.fromName(workspaceId)) : RateLimited.refusal(retryAfter);
  }

  /**
   * A key over its rate on this node, and when to retry: a 429 (written by the error writer, openapi.ErrorResponses), though the
   * authentication handler passes it on inside a 401.
   */
  public static final class RateLimited extends RuntimeException {
    /** How long a refusal waits before it is sent: the pace of a client that retries without waiting. */
    private static final long ANSWER_DELAY_MS = 1_000;

    private final long retryAfterSeconds;

    private RateLimited(long retryAfterSeconds) {
      super("rate limited", null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Fails with a RateLimited after a pause, on the caller's event loop: a client that retries at once
     * cannot turn cheap refusals into a flood that takes the event loop from every other workspace
     * (FloodIsolationBenchmark). REST and MCP refuse alike.
     */
    public static <T> Future<T> refusal(long retryAfterSeconds) {
      Promise<T> refused = Promise.promise();
      Vertx.currentContext().owner().setTimer(ANSWER_DELAY_MS, t -> refused.fail(new RateLimited(retryAfterSeconds)));
      return refused.future();
    }

    /** The Retry-After header's value, in seconds. */
    public String retryAfter() {
      return String.valueOf(retryAfterSeconds);
    }

    public String detail() {
      return "Too many requests with this API key; retry after " + retryAfterSeconds + " s.";
    }

    public static RateLimited in(Throwable failure) {
      for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof RateLimited limited) {
          return limited;
        }
      }
      return null;
    }
  }

  /** The workspace every query of this request is confined to. */
  public static String workspaceId(RoutingContext rc) {
    return rc.user().subject();
  }
}
