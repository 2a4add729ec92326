package dev.mnemograph.api;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers every answer carries, the API's and the web UI's alike. The policy allows only the service's own
 * scripts, styles, images and requests: no inline script or style, no framing, no plugins, and memory texts
 * (written by agents, untrusted) cannot become code even where a page mishandled one.
 */
public final class SecurityHeaders {
  public static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
      "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'");

  private SecurityHeaders() {
  }

  /** A root handler: sets the headers, then the next handler answers. */
  public static void add(RoutingContext rc) {
    MultiMap h = rc.response().headers();
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    rc.next();
  }
}
