package dev.mnemograph.ops;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics as Prometheus scrapes it, after some work went through the API and the workers. */
class MetricsTest {

  private static String scrape() {
    var res = TestService.http().get("/metrics").send().await();
    assertEquals(200, res.statusCode());
    assertTrue(res.getHeader("Content-Type").startsWith("text/plain"), res.getHeader("Content-Type"));
    return res.bodyAsString();
  }

  private static void assertHas(String scrape, String regex) {
    assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(scrape).find(), "no match for " + regex + " in\n"
        + scrape.lines().filter(l -> l.startsWith("vertx_http_server_requests") || l.startsWith("mnemograph_jobs")
            || l.startsWith("vertx_eventbus_processed") || l.contains("_count")).toList());
  }

  @Test
  void the_scrape_shows_http_routes_the_pipeline_the_queue_and_the_pool_with_bounded_labels() throws Exception {
    Api api = Api.newWorkspace("metrics");
    String id = api.store("Metrics are scraped", "Prometheus reads /metrics every fifteen seconds.")
        .getString("memory_id");
    Jobs.awaitSettled(List.of(id), Duration.ofSeconds(60));
    api.get("/memories/" + id);
    api.get("/memories/mem-doesnotexist0000");
    Thread.sleep(200);

    String scrape = scrape();

    // requests per route template ("/api/v1/>" is the sub-router; never the raw path: no memory id in a label)
    assertHas(scrape, "^vertx_http_server_requests_total\\{.*route=\"/api/v1/>/memories/:memory_id\".*\\} ");
    assertHas(scrape, "^vertx_http_server_response_time_seconds_bucket\\{");
    assertFalse(scrape.contains(id), "a memory id in a label");
    assertHas(scrape, "^mnemograph_embeddings_total [1-9]");
    assertHas(scrape, "^mnemograph_pipeline_seconds_count\\{stage=\"embedded\"\\} [1-9]");
    assertHas(scrape, "^mnemograph_pipeline_seconds_count\\{stage=\"linked\"\\} [1-9]");
    assertHas(scrape, "^mnemograph_jobs\\{kind=\"embed\",status=\"pending\"\\} ");
    assertHas(scrape, "^mnemograph_jobs_oldest_age_seconds\\{kind=\"discover_relationships\"\\} ");
    assertHas(scrape, "^vertx_pool_in_use\\{.*pool_type=\"sql\".*\\} ");
    assertHas(scrape, "^vertx_eventbus_.*address=\"mnemograph\\.jobs\\.ready\"");
    assertHas(scrape, "^jvm_memory_used_bytes\\{");
  }
}
