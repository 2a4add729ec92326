package dev.mnemograph.api.observations;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.respond;

/**
 * POST /observations/batch: each item checked on its own ({@link ObservationBatch}), the good ones stored once
 * each, and an answer that says what became of every item.
 */
public final class ObservationHandler {
  private final ObservationRepository observations;
  private final EventBus bus;

  /** @param bus where the workers hear that an ended session's extraction was queued again */
  public ObservationHandler(Pool pool, EventBus bus) {
    this.observations = new ObservationRepository(pool);
    this.bus = bus;
  }

  public void batch(RoutingContext rc) {
    JsonArray items = body(rc).getJsonArray("observations");
    String workspaceId = TokenAuth.workspaceId(rc);
    // checking and redacting a replayed buffer (tens of MB) is CPU work: off the event loop
    respond(rc, 200, rc.vertx().executeBlocking(() -> ObservationBatch.check(items), false)
        .compose(batch -> observations.store(workspaceId, batch.valid()).map(stored -> {
          if (stored.extractionsQueued() > 0) {
            Addresses.extractionReady(bus, batch.valid().get(0).sessionId());
          }
          return new JsonObject()
              .put("received", items.size())
              .put("stored", stored.observations())
              .put("duplicates", batch.valid().size() - stored.observations() + batch.duplicatesInBatch())
              .put("truncated", batch.truncated())
              .put("redacted", batch.redacted())
              .put("rejected", new JsonArray(batch.rejected()));
        })));
  }
}
