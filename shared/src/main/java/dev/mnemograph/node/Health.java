package dev.mnemograph.node;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health/live}: the process runs (no database call). {@code GET /health/ready}: migrations ran
 * (a node exists only after they did) and the database answers within a second; 503 while draining for a
 * shutdown or while the database is unreachable, so that a load balancer stops sending requests.
 */
public final class Health {
  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";

  private final Pool pool;
  private final String roles;
  private volatile boolean draining;

  public Health(Pool pool, String roles) {
    this.pool = pool;
    this.roles = roles;
  }

  /** From now on not ready: the node is shutting down. */
  public void drain() {
    draining = true;
  }

  /** Answers a health request if it is one ({@link #LIVE}, {@link #READY}); false otherwise. */
  public boolean handle(HttpServerRequest request) {
    String path = request.path();
    if (LIVE.equals(path)) {
      live(request.response());
      return true;
    }
    if (READY.equals(path)) {
      ready(request.response());
      return true;
    }
    return false;
  }

  public void live(HttpServerResponse response) {
    respond(response, 200, new JsonObject().put("status", "live").put("roles", roles));
  }

  public void ready(HttpServerResponse response) {
    ready().onComplete(r -> respond(response, r.succeeded() ? 200 : 503,
        new JsonObject().put("status", r.succeeded() ? "ready" : "unavailable").put("roles", roles)
            .put("detail", r.succeeded() ? null : r.cause().getMessage())));
  }

  /** Succeeds when the node should get traffic. */
  public Future<Void> ready() {
    if (draining) {
      return Future.failedFuture("draining for shutdown");
    }
    return pool.query("SELECT 1").execute().<Void>mapEmpty()
        .timeout(1, TimeUnit.SECONDS)
        .recover(e -> Future.failedFuture("the database does not answer: " + e.getMessage()));
  }

  private static void respond(HttpServerResponse response, int status, JsonObject body) {
    if (status == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }
}
