package dev.mnemograph.search;

import dev.mnemograph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Asks a worker, over the event bus, for the embedding of a search query: the API never loads the model.
 * No answer in time (no worker up, or all of them busy) is an empty result, never a failure, so that search
 * can fall back to words.
 */
public final class QueryEmbeddings {
  private static final Logger LOG = LoggerFactory.getLogger(QueryEmbeddings.class);

  private final EventBus bus;
  private final DeliveryOptions options;

  public QueryEmbeddings(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  /** The query's vector in pgvector text form, or empty when no worker answered in time. */
  public Future<Optional<String>> embed(String query) {
    return bus.<JsonObject>request(Addresses.EMBED_QUERY, new JsonObject().put("text", query), options)
        .map(reply -> Optional.ofNullable(reply.body().getString("vector")))
        .recover(e -> {
          String why = e instanceof ReplyException re ? re.failureType().name() : e.getClass().getSimpleName();
          LOG.warn("No query embedding ({}): searching by words only", why);
          return Future.succeededFuture(Optional.empty());
        });
  }
}
