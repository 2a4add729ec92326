package dev.mnemograph.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.function.Predicate;

/**
 * The HTTP port of a node without the API (a worker node): health and metrics only, anything else 404.
 * An API node serves the same paths on its API port.
 */
public final class OpsServer {
  private OpsServer() {
  }

  /** @param metrics answers {@code GET /metrics} when it is one (true), like {@link Health#handle} */
  public static Future<HttpServer> start(Vertx vertx, String host, int port, Health health,
                                         Predicate<HttpServerRequest> metrics) {
    return vertx.createHttpServer().requestHandler(request -> {
      if (!health.handle(request) && !metrics.test(request)) {
        request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end("{\"detail\":\"Not Found: this node serves /health/live, /health/ready and /metrics.\"}");
      }
    }).listen(port, host);
  }
}
