package dev.mnemograph.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus addresses. Messages on them are hints, notifications and stateless requests; durable state lives
 * in PostgreSQL. Bodies are JsonObjects so that they cross a clustered event bus unchanged.
 */
public final class Addresses {
  /** Published by the API after it committed work for the workers: "work is waiting" (see {@link #jobsReady}). */
  public static final String JOBS_READY = "mnemograph.jobs.ready";

  /**
   * Request/reply: {@code {"text": "..."}} → {@code {"vector": "[...]", "model": "..."}}, the embedding of a
   * search query, answered by a worker that has the model loaded (any one of them in a cluster).
   */
  public static final String EMBED_QUERY = "mnemograph.embedding.query";

  private Addresses() {
  }

  /** Tells the workers that a session's extraction was queued: a hint, like {@link #jobsReady}. */
  public static void extractionReady(EventBus bus, String sessionId) {
    bus.publish(JOBS_READY, new JsonObject().put("session_id", sessionId));
  }

  /** Tells the workers that jobs for this memory were committed: a hint, the jobs themselves are in PostgreSQL. */
  public static void jobsReady(EventBus bus, String memoryId) {
    bus.publish(JOBS_READY, new JsonObject().put("memory_id", memoryId));
  }
}
