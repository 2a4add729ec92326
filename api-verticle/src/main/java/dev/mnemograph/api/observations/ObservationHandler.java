package dev.mnemograph.api.observations;

import dev.mnemograph.api.auth.TokenAuth;
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

  public ObservationHandler(Pool pool) {
    this.observations = new ObservationRepository(pool);
  }

  public void batch(RoutingContext rc) {
    JsonArray items = body(rc).getJsonArray("observations");
    ObservationBatch batch = ObservationBatch.check(items);
    respond(rc, 200, observations.store(TokenAuth.workspaceId(rc), batch.valid()).map(stored -> new JsonObject()
        .put("received", items.size())
        .put("stored", stored)
        .put("duplicates", batch.valid().size() - stored + batch.duplicatesInBatch())
        .put("truncated", batch.truncated())
        .put("rejected", new JsonArray(batch.rejected()))));
  }
}
