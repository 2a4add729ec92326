package dev.mnemograph.api.ui;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web UI: static HTML, CSS and JavaScript modules from this jar ({@value #WEB_ROOT} on the classpath), no
 * build step. The pages call the HTTP API with the key the user pastes; nothing here reads a key or a memory.
 * Files are revalidated on every load (Last-Modified), so a new version of the service is seen at once.
 */
public final class WebUi {
  public static final String PATH = "/ui/";
  /** A name no working directory is likely to have: Vert.x looks there before the classpath. */
  static final String WEB_ROOT = "mnemograph-ui";

  private WebUi() {
  }

  /** Whether a request path is the UI's (its answers are compressed; the API's are not, see ApiVerticle). */
  public static boolean serves(String path) {
    return path != null && path.startsWith(PATH);
  }

  public static void mount(Router root) {
    StaticHandler files = StaticHandler.create(WEB_ROOT).setIndexPage("index.html").setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8");
    root.route("/ui/*").handler(rc -> {
      if (!serves(rc.request().path())) {
        rc.redirect(PATH);   // "/ui" → "/ui/", where the page's relative links resolve
        return;
      }
      rc.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      rc.next();
    }).handler(files);
  }
}
