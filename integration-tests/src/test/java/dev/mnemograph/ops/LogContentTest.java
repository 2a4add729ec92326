package dev.mnemograph.ops;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator's log collector receives at INFO and above while a client uses the service (its HTTP
 * API and the worker embedding and linking in the same process): never an API key, never a memory's text.
 */
class LogContentTest {

  @Test
  void no_key_and_no_memory_text_reach_the_log_at_info() {
    Api api = Api.newWorkspace("logs");
    String marker = UUID.randomUUID().toString().replace("-", "");
    String title = "Lighthouse " + marker + " title";
    String narrative = "The keeper " + marker + " narrative about the lens.";
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    log.start();
    root.addAppender(log);
    LoggerFactory.getLogger(LogContentTest.class).info("capturing the log from here on");
    try {
      String id = api.store(title, narrative).getString("memory_id");
      String other = api.store("Harbour " + marker, "A second " + marker + " note").getString("memory_id");
      Jobs.awaitSettled(id, other);
      assertEquals(200, api.get("/memories/" + id).statusCode());
      assertEquals(200, api.post("/memories/search", new JsonObject().put("query", "keeper " + marker)).statusCode());
      assertEquals(200, api.post("/memories/explore", new JsonObject().put("query", marker)).statusCode());
      assertEquals(200, api.post("/memories/path", new JsonObject().put("source_memory_id", id)
          .put("target_memory_id", other)).statusCode());
      assertEquals(200, api.patch("/memories/" + id, new JsonObject().put("narrative", narrative + " edited"))
          .statusCode());
      // refused requests carry the text and the key too
      assertEquals(422, api.post("/memories/store", new JsonObject().put("title", title).put("narrative", narrative)
          .put("memory_type", "not-a-type " + marker)).statusCode());
      assertEquals(401, new Api(api.key() + "x").get("/memories/").statusCode());
      assertEquals(401, TestService.http().get("/api/v1/memories/").putHeader("Authorization", "Bearer " + api.key())
          .send().await().statusCode());
      assertEquals(204, api.delete("/memories/" + other).statusCode());
    } finally {
      root.detachAppender(log);
      log.stop();
    }

    List<String> leaks = new ArrayList<>();
    for (ILoggingEvent e : log.list) {
      if (!e.getLevel().isGreaterOrEqual(Level.INFO)) {
        continue;
      }
      String text = e.getFormattedMessage() + throwableText(e.getThrowableProxy());
      if (text.contains(api.key()) || text.contains(marker)) {
        leaks.add(e.getLevel() + " " + e.getLoggerName() + ": " + text);
      }
    }
    // the service may well log nothing at INFO for these requests; the line above proves the listening works
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().equals("capturing the log from here on")));
    assertTrue(leaks.isEmpty(), "logged at INFO or above: " + new JsonArray(leaks).encodePrettily());
  }

  private static String throwableText(IThrowableProxy t) {
    StringBuilder out = new StringBuilder();
    for (IThrowableProxy p = t; p != null; p = p.getCause()) {
      out.append(' ').append(p.getClassName()).append(": ").append(p.getMessage());
    }
    return out.toString();
  }
}
