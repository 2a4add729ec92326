package dev.mnemograph.worker.embedding;

import dev.mnemograph.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Answers a search's query embedding when the API asks on {@link Addresses#EMBED_QUERY}: the worker owns the
 * model. Queries are embedded on a small pool of their own, {@code mnemograph-query-embedding} ({@value #THREADS}
 * threads), so that a query never waits behind a batch of background embeddings (a 32-text batch takes a few
 * hundred milliseconds).
 *
 * <p>Threading: the consumer runs on the event loop that called {@link #start()} (its verticle's), so the count
 * of queries in flight needs no lock; only {@link Embedder#embedQuery} runs on the pool.
 */
public final class QueryEmbedder {
  private static final Logger LOG = LoggerFactory.getLogger(QueryEmbedder.class);

  /** Threads that embed search queries: two queries at a time, each a few milliseconds. */
  static final int THREADS = 2;
  /**
   * Query embeddings waiting or running, past which a request is refused at once: the API gives up after a
   * second anyway, and a queue of requests nobody waits for would only delay the next ones.
   */
  static final int QUEUE_LIMIT = 64;

  private final Vertx vertx;
  private final Embedder embedder;
  private WorkerExecutor pool;
  private MessageConsumer<JsonObject> consumer;
  /** Touched on the event loop of {@link #start()} only. */
  private int inFlight;

  public QueryEmbedder(Vertx vertx, Embedder embedder) {
    this.vertx = vertx;
    this.embedder = embedder;
  }

  /** Opens the pool and registers the consumer; completes once the consumer is registered (cluster-wide). */
  public Future<Void> start() {
    pool = vertx.createSharedWorkerExecutor("mnemograph-query-embedding", THREADS, 1, TimeUnit.MINUTES);
    consumer = vertx.eventBus().consumer(Addresses.EMBED_QUERY, this::embed);
    return consumer.completion();
  }

  /** Takes no more queries, then closes the pool: call it before the model closes. */
  public Future<Void> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    // the pool closes whether or not the consumer could be unregistered
    return unregistered.transform(done -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void embed(Message<JsonObject> msg) {
    String text = msg.body() == null ? null : msg.body().getString("text");
    if (text == null || text.isBlank()) {
      msg.fail(400, "text is required");
      return;
    }
    if (inFlight >= QUEUE_LIMIT) {
      msg.fail(503, "query embeddings are backed up");
      return;
    }
    inFlight++;
    pool.executeBlocking(() -> embedder.embedQuery(text), false)
        .onComplete(r -> inFlight--)
        .onSuccess(vector -> msg.reply(new JsonObject().put("vector", vector).put("model", embedder.modelName())))
        .onFailure(e -> {
          LOG.warn("Query embedding failed: {}", e.toString());
          msg.fail(500, "query embedding failed");
        });
  }
}
