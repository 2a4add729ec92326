package dev.mnemograph.api.mcp;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.auth.TokenAuth;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Authorization: Bearer <key>}, as MCP clients send it (the REST API takes {@code Token}): the key's
 * workspace goes into the routing context under {@link #WORKSPACE_ID}. A missing, malformed, unknown or
 * revoked key is a 401 before the MCP server sees the request, a key over its rate a 429 with Retry-After (as
 * on the REST API); a key that cannot be checked because the database is unreachable is a 503, never a 401,
 * so that a client does not conclude that its key is bad.
 */
final class BearerAuth implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);
  /** The routing-context and MCP transport-context key of the caller's workspace id. */
  static final String WORKSPACE_ID = "workspaceId";
  private static final Pattern BEARER = Pattern.compile("(?i)Bearer +(\\S+) *");

  private final ApiKeyCache keys;

  BearerAuth(ApiKeyCache keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      unauthorized(rc, "Authentication credentials were not provided: send 'Authorization: Bearer <api-key>'.");
      return;
    }
    Matcher bearer = BEARER.matcher(header);
    if (!bearer.matches()) {
      unauthorized(rc, "Use 'Authorization: Bearer <api-key>' for /mcp (the REST API under /api/v1 takes "
          + "'Token <api-key>').");
      return;
    }
    // The lookup is asynchronous: hold the body meanwhile (as vertx-web's own authentication handlers do). An
    // accepted request lets it flow again only once the route has gone on to the BodyHandler: resumed before,
    // a body that arrived during a lookup in the database ended the request first, and the BodyHandler failed
    // it (a 500, AuthApiTest). A refused one lets it flow at once, or it would stall the connection.
    boolean paused = !rc.request().isEnded();
    if (paused) {
      rc.request().pause();
    }
    keys.workspaceOfKey(bearer.group(1)).onComplete(ar -> {
      // 0: admitted; > 0: over its rate, seconds to wait; -1: no key to count
      long retryAfter = ar.succeeded() && ar.result().isPresent() ? keys.admit(bearer.group(1)) : -1;
      boolean accepted = retryAfter == 0;
      if (paused && !accepted) {
        rc.request().resume();
      }
      if (ar.failed()) {
        LOG.warn("Could not check an MCP API key: {}", ar.cause().toString());
        rc.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
        VertxMcpTransport.detail(rc, 503, "The memory service cannot reach its database; try again shortly.");
      } else if (ar.result().isEmpty()) {
        unauthorized(rc, "Invalid or revoked API key.");
      } else if (accepted) {
        rc.put(WORKSPACE_ID, ar.result().get());
        rc.next();
        if (paused) {
          rc.request().resume();
        }
      } else {
        TokenAuth.RateLimited.refusal(retryAfter).onFailure(e -> {
          TokenAuth.RateLimited limited = (TokenAuth.RateLimited) e;
          if (!rc.response().closed()) {
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, limited.retryAfter());
            VertxMcpTransport.detail(rc, 429, limited.detail());
          }
        });
      }
    });
  }

  private static void unauthorized(RoutingContext rc, String detail) {
    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"mnemograph\"");
    VertxMcpTransport.detail(rc, 401, detail);
  }
}
