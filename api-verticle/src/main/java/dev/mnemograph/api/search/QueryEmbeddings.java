package dev.mnemograph.api.search;

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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a worker, over the event bus, for the embedding of a search query: the API never loads the model.
 * No answer in time (no worker up, or all of them busy) is an empty result, never a failure, so that search
 * can fall back to words.
 */
public final class QueryEmbeddings {
  private static final Logger LOG = LoggerFactory.getLogger(QueryEmbeddings.class);

  private final EventBus bus;
  private final DeliveryOptions options;
  /** Whether the last request went unanswered: an outage is logged when it starts and when it ends. */
  private final AtomicBoolean unanswered = new AtomicBoolean();

  public QueryEmbeddings(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
  }

  /** The query's vector in pgvector text form, or empty when no worker answered in time. */
  public Future<Optional<String>> embed(String query) {
    return bus.<JsonObject>request(Addresses.EMBED_QUERY, new JsonObject().put("text", query), options)
        .map(reply -> {
          if (unanswered.compareAndSet(true, false)) {
            LOG.info("Query embeddings answered again: searching by meaning and words");
          }
          return Optional.ofNullable(reply.body().getString("vector"));
        })
        .recover(e -> {
          String why = e instanceof ReplyException re ? re.failureType().name() : e.getClass().getSimpleName();
          if (unanswered.compareAndSet(false, true)) {
            LOG.warn("No query embedding ({}): searching by words only until a worker answers", why);
          } else {
            LOG.debug("No query embedding ({})", why);
          }
          return Future.succeededFuture(Optional.empty());
        });
  }
}
