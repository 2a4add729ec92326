package dev.mnemograph.ops;

import dev.mnemograph.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Liveness and readiness as a load balancer or an orchestrator asks for them, without a key. */
class HealthTest {

  @Test
  void live_and_ready_answer_without_a_key_and_name_the_roles() {
    HttpResponse<Buffer> live = TestService.http().get("/health/live").send().await();
    HttpResponse<Buffer> ready = TestService.http().get("/health/ready").send().await();

    assertEquals(200, live.statusCode());
    assertEquals(new JsonObject().put("status", "live").put("roles", "api,worker"), live.bodyAsJsonObject());
    assertEquals(200, ready.statusCode());
    assertEquals("ready", ready.bodyAsJsonObject().getString("status"));
    assertEquals("no-store", ready.getHeader("Cache-Control"));
  }
}
