package dev.mnemograph.api.ui;

import dev.mnemograph.api.SecurityHeaders;
import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the web UI's files are served (no browser: WebUiBrowserTest drives one). */
class WebUiTest {
  /** The UI's files as they are in the repository (api-verticle's resources), beside this module. */
  private static final Path FILES = Path.of("..", "api-verticle", "src", "main", "resources", WebUi.WEB_ROOT);

  private static HttpResponse<Buffer> get(String path, String acceptEncoding) {
    var req = TestService.http().get(path);
    if (acceptEncoding != null) {
      req.putHeader("Accept-Encoding", acceptEncoding);
    }
    return req.send().await();
  }

  @Test
  void ui_without_the_slash_redirects_to_the_page() {
    HttpResponse<Buffer> res = TestService.http().get("/ui").followRedirects(false).send().await();

    assertEquals(302, res.statusCode());
    assertEquals(WebUi.PATH, res.getHeader("Location"));
  }

  @Test
  void the_page_is_served_with_the_security_headers_and_revalidated_on_every_load() {
    HttpResponse<Buffer> res = get(WebUi.PATH, null);

    assertEquals(200, res.statusCode());
    assertTrue(res.getHeader("Content-Type").startsWith("text/html"), res.getHeader("Content-Type"));
    assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, res.getHeader("Content-Security-Policy"));
    assertFalse(res.getHeader("Content-Security-Policy").contains("unsafe"));
    assertEquals("nosniff", res.getHeader("X-Content-Type-Options"));
    assertEquals("DENY", res.getHeader("X-Frame-Options"));
    assertEquals("no-referrer", res.getHeader("Referrer-Policy"));
    assertEquals("no-cache", res.getHeader("Cache-Control"));
    assertTrue(res.bodyAsString().contains("<input id=\"api-key\""), "the key is the page's first field");
  }

  @Test
  void the_api_answers_carry_the_same_security_headers() {
    HttpResponse<Buffer> res = Api.newWorkspace("ui-headers").get("/workspace");

    assertEquals(200, res.statusCode());
    assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, res.getHeader("Content-Security-Policy"));
    assertEquals("nosniff", res.getHeader("X-Content-Type-Options"));
    assertEquals("DENY", res.getHeader("X-Frame-Options"));
    assertEquals("no-referrer", res.getHeader("Referrer-Policy"));
  }

  @Test
  void the_ui_files_are_gzipped_for_a_browser_and_the_api_answers_are_not() {
    Api api = Api.newWorkspace("ui-gzip");
    String id = api.store("Compressed or not", "A memory.").getString("memory_id");

    for (String file : List.of("", "js/app.js", "js/graph.js", "app.css", "vendor/force-graph.min.js")) {
      HttpResponse<Buffer> res = get(WebUi.PATH + file, "gzip, deflate, br");
      assertEquals(200, res.statusCode(), file);
      assertEquals("gzip", res.getHeader("Content-Encoding"), file);
    }
    HttpResponse<Buffer> answer = api.request(HttpMethod.GET, "/memories/" + id)
        .putHeader("Accept-Encoding", "gzip").send().await();
    assertEquals(200, answer.statusCode());
    assertNull(answer.getHeader("Content-Encoding"), "the API answers as before");
    HttpResponse<Buffer> deleted = api.request(HttpMethod.DELETE, "/memories/" + id)
        .putHeader("Accept-Encoding", "gzip").send().await();
    assertEquals(204, deleted.statusCode());
    assertNull(deleted.getHeader("Content-Encoding"), "no identity marker left on an answer without a body");
  }

  @Test
  void scripts_are_javascript_and_the_vendored_graph_library_has_its_licence() {
    HttpResponse<Buffer> app = get(WebUi.PATH + "js/app.js", null);
    HttpResponse<Buffer> library = get(WebUi.PATH + "vendor/force-graph.min.js", null);
    HttpResponse<Buffer> licence = get(WebUi.PATH + "vendor/force-graph.LICENSE", null);

    assertTrue(app.getHeader("Content-Type").startsWith("text/javascript"), app.getHeader("Content-Type"));
    assertTrue(library.bodyAsString().startsWith("// Version 1.52.0 force-graph"));
    assertTrue(licence.bodyAsString().startsWith("MIT License"));
    assertEquals(404, get(WebUi.PATH + "js/nothing-here.js", null).statusCode());
  }

  /** What the policy enforces in the browser, checked in the files too, so that a regression shows here first. */
  @Test
  void no_page_has_inline_script_inline_style_or_handler_attributes_and_no_script_writes_html() throws IOException {
    String page = Files.readString(FILES.resolve("index.html"));
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page);
    while (scripts.find()) {
      assertTrue(scripts.group(1).contains("src="), "a script from a file: " + scripts.group());
      assertEquals("", scripts.group(2).strip(), "no inline script");
    }
    assertFalse(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=").matcher(page).find(), "no inline style or handler");

    try (Stream<Path> files = Files.list(FILES.resolve("js"))) {
      for (Path js : files.toList()) {
        String code = Files.readString(js);
        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
            "new Function", "setAttribute('style'")) {
          assertFalse(code.contains(sink), js.getFileName() + " uses " + sink);
        }
      }
    }
  }
}
