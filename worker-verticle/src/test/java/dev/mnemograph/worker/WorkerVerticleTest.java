package dev.mnemograph.worker;

import dev.mnemograph.bus.Addresses;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker verticle on a real event bus and database: it answers query embeddings (request/reply) and a
 * jobs-ready hint starts work at once, not at the next poll (set to ten minutes here).
 */
@ExtendWith({VertxExtension.class, TestDatabaseExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerVerticleTest {
  private TestDatabase db;
  private Vertx vertx;
  private String workspaceId;
  private String deployment;

  @BeforeAll
  void deploy(TestDatabase db) {
    this.db = db;
    vertx = db.vertx();
    AppConfig config = AppConfig.fromJson(new JsonObject().put(AppConfig.JOB_POLL_INTERVAL_MS, 600_000));
    deployment = vertx.deployVerticle(new WorkerVerticle(config, db.pool(), new Metrics(), null))
        .await();
    workspaceId = new WorkspaceRepository(db.pool()).createWorkspace("worker-verticle", "k").await()
        .workspace().workspaceId();
  }

  @AfterAll
  void close() {
    vertx.undeploy(deployment).await();   // before the extension closes the pool under it
  }

  @Test
  void answers_a_query_embedding_and_refuses_a_blank_query(VertxTestContext test) {
    var replies = test.checkpoint(2);
    vertx.eventBus().<JsonObject>request(Addresses.EMBED_QUERY, new JsonObject().put("text", "connection pooling"))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals(384, reply.body().getString("vector").split(",").length);
          assertEquals("bge-small-en-v1.5-q", reply.body().getString("model"));
          replies.flag();
        })));
    vertx.eventBus().request(Addresses.EMBED_QUERY, new JsonObject().put("text", "  "))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals(400, ((ReplyException) e).failureCode());
          replies.flag();
        })));
  }

  @Test
  void a_jobs_ready_hint_gets_a_stored_memory_embedded_without_waiting_for_the_poll(VertxTestContext test)
      throws InterruptedException {
    // stored as the API stores it: the memory and its embedding job in one statement
    String memoryId = new MemoryRepository(db.pool(), 90).insertQueuingEmbed(db.pool(), workspaceId, new NewMemory("Hints wake the workers",
        "The API publishes on the event bus after it commits work.", "general", List.of(), List.of(), List.of(),
        0.5, 0.5)).await().memoryId();
    long started = System.nanoTime();

    Addresses.jobsReady(vertx.eventBus(), memoryId);

    vertx.setPeriodic(50, timer -> db.pool()
        .preparedQuery("SELECT count(*) FROM memory_embedding WHERE memory_id = $1").execute(Tuple.of(memoryId))
        .onComplete(test.succeeding(rows -> {
          if (rows.iterator().next().getLong(0) == 1) {
            vertx.cancelTimer(timer);
            test.verify(() -> assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)));
            test.completeNow();
          }
        })));
    assertTrue(test.awaitCompletion(60, TimeUnit.SECONDS), "not embedded after the hint");
    if (test.failed()) {
      throw new AssertionError(test.causeOfFailure());
    }
  }
}
