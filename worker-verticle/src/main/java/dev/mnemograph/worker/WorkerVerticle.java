package dev.mnemograph.worker;

import dev.mnemograph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Background work. Listens for the API's "work is waiting" hints. Event loop. */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_READY,
        msg -> LOG.debug("Work is waiting: {}", msg.body())).completion();
  }
}
