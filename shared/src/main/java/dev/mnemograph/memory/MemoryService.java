package dev.mnemograph.memory;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;

/** The memory operations of the API: each write is one transaction. */
public final class MemoryService {
  private final Pool pool;
  private final MemoryRepository memories;

  public MemoryService(Pool pool, MemoryRepository memories) {
    this.pool = pool;
    this.memories = memories;
  }

  public Future<Memory> store(String workspaceId, NewMemory m) {
    return pool.withTransaction(conn -> memories.insert(conn, workspaceId, m));
  }

  public Future<List<Memory>> list(String workspaceId, MemoryListQuery q) {
    return memories.list(workspaceId, q);
  }

  /**
   * The detail view: records an access event, then adds feedback counts and both relationship arrays.
   */
  public Future<JsonObject> detail(String workspaceId, String memoryId) {
    return memories.recordAccess(workspaceId, memoryId).compose(m -> Future.all(
            memories.outgoing(workspaceId, memoryId), memories.incoming(workspaceId, memoryId))
        .map(edges -> m.toJson()
            .put("feedback_positive_count", m.feedbackPositiveCount())
            .put("feedback_negative_count", m.feedbackNegativeCount())
            .put("outgoing_relationships", relationships(edges.resultAt(0)))
            .put("incoming_relationships", relationships(edges.resultAt(1)))));
  }

  public Future<Memory> update(String workspaceId, String memoryId, MemoryChanges changes) {
    return pool.withTransaction(conn -> memories.update(conn, workspaceId, memoryId, changes));
  }

  public Future<Void> delete(String workspaceId, String memoryId) {
    return pool.withTransaction(conn -> memories.delete(conn, workspaceId, memoryId));
  }

  public Future<Integer> deleteMany(String workspaceId, List<String> memoryIds) {
    return pool.withTransaction(conn -> memories.deleteMany(conn, workspaceId, memoryIds));
  }

  public Future<Memory> recordAccess(String workspaceId, String memoryId) {
    return memories.recordAccess(workspaceId, memoryId);
  }

  public Future<Memory> recordRetrieval(String workspaceId, String memoryId) {
    return memories.recordRetrieval(workspaceId, memoryId);
  }

  private static JsonArray relationships(List<Relationship> edges) {
    JsonArray out = new JsonArray();
    edges.forEach(e -> out.add(e.toJson()));
    return out;
  }
}
