package dev.mnemograph.api.memory;

import dev.mnemograph.bus.Addresses;
import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.memory.MemoryChanges;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The workers hear of the jobs a write queued once those are committed, from the service, whoever called it:
 * the wake-up on the event bus names the memory, and when it arrives the memory is there for any other
 * connection to read; a transaction that rolls back wakes no one.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryServiceTest {
  private Pool pool;
  private MemoryService memories;
  private String workspaceId;
  /** What a worker would hear, with whether the memory was visible to another connection at that moment. */
  private final BlockingQueue<JsonObject> wakeUps = new LinkedBlockingQueue<>();

  @BeforeAll
  void service(TestDatabase db) {
    pool = db.pool();
    Vertx vertx = db.vertx();
    memories = new MemoryService(pool, new MemoryRepository(pool, 90), new RelationshipRepository(),
        new VectorSearch(100), new AccessEvents(vertx, pool), vertx.eventBus());
    workspaceId = new WorkspaceRepository(pool).createWorkspace("wake-ups", "k").await().workspace().workspaceId();
    vertx.eventBus().<JsonObject>consumer(Addresses.JOBS_READY, msg -> {
      String id = msg.body().getString("memory_id");
      pool.preparedQuery("SELECT count(*) FROM memory WHERE memory_id = $1").execute(Tuple.of(id))
          .onComplete(rows -> wakeUps.add(new JsonObject().put("memory_id", id)
              .put("visible", rows.succeeded() && rows.result().iterator().next().getLong(0) == 1)));
    }).completion().await();
  }

  @BeforeEach
  void nothingHeardYet() {
    wakeUps.clear();
  }

  private static NewMemory memory(String title) {
    return new NewMemory(title, "narrative", "general", List.of(), List.of(), List.of(), 0.5, 0.5);
  }

  private JsonObject nextWakeUp() throws InterruptedException {
    JsonObject heard = wakeUps.poll(10, TimeUnit.SECONDS);
    assertNotNull(heard, "no wake-up on " + Addresses.JOBS_READY);
    return heard;
  }

  @Test
  void a_store_wakes_the_workers_for_its_memory() throws InterruptedException {
    String id = memories.store(workspaceId, memory("stored")).await().memoryId();

    assertEquals(new JsonObject().put("memory_id", id).put("visible", true), nextWakeUp());
  }

  @Test
  void a_store_in_the_callers_transaction_wakes_them_only_after_its_commit() throws InterruptedException {
    String id = pool.withTransaction(conn -> memories.store(conn, workspaceId, memory("in a transaction"))
            // the caller's transaction goes on after the store; the memory is not committed yet
            .compose(stored -> conn.query("SELECT pg_sleep(0.2)").execute().map(stored.memoryId())))
        .await();

    assertEquals(new JsonObject().put("memory_id", id).put("visible", true), nextWakeUp());
  }

  @Test
  void a_store_rolled_back_wakes_no_one() throws InterruptedException {
    Future<String> failed = pool.withTransaction(conn -> memories.store(conn, workspaceId, memory("rolled back"))
        .compose(stored -> Future.failedFuture(new IllegalStateException("the caller gives up"))));
    failed.otherwiseEmpty().await();
    String after = memories.store(workspaceId, memory("after")).await().memoryId();

    assertEquals(after, nextWakeUp().getString("memory_id"));   // the first thing heard is the later store
    assertNull(wakeUps.poll(200, TimeUnit.MILLISECONDS));
  }

  @Test
  void an_edit_and_a_delete_wake_them_too() throws InterruptedException {
    String id = memories.store(workspaceId, memory("edited")).await().memoryId();
    nextWakeUp();

    memories.update(workspaceId, id, new MemoryChanges("edited again", null, null, null, null, null, null, null))
        .await();
    assertEquals(id, nextWakeUp().getString("memory_id"));

    memories.delete(workspaceId, id).await();
    assertEquals(id, nextWakeUp().getString("memory_id"));
  }
}
