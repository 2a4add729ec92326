package dev.mnemograph.api.sdlc;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.openapi.Requests.respond;

/**
 * GET /sdlc/cc-sdlc-version: the SDLC knowledge version this service offers ({@code sdlc.version}). Neuroloom's
 * SDLC plugin asks at every session start and compares it with the version its workspace was seeded with.
 */
public final class SdlcHandler {
  private final String version;

  public SdlcHandler(String version) {
    this.version = version;
  }

  public void version(RoutingContext rc) {
    respond(rc, 200, Future.succeededFuture(new JsonObject().put("version", version)));
  }
}
