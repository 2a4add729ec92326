package dev.mnemograph.api.memory;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.api.search.SearchResult;
import dev.mnemograph.idempotency.IdempotentWrites;
import dev.mnemograph.memory.ManualRelationship;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryChanges;
import dev.mnemograph.memory.MemoryDetail;
import dev.mnemograph.memory.MemoryIndexEntry;
import dev.mnemograph.memory.MemoryListQuery;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.memory.Relationship;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import static dev.mnemograph.api.openapi.Requests.array;
import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.bool;
import static dev.mnemograph.api.openapi.Requests.decimal;
import static dev.mnemograph.api.openapi.Requests.integer;
import static dev.mnemograph.api.openapi.Requests.pathParameter;
import static dev.mnemograph.api.openapi.Requests.query;
import static dev.mnemograph.api.openapi.Requests.respond;
import static dev.mnemograph.api.openapi.Requests.string;
import static dev.mnemograph.api.openapi.Requests.stringArray;
import static dev.mnemograph.api.openapi.Requests.strings;
import static dev.mnemograph.api.openapi.Requests.stringsOrNull;

/**
 * The memory operations: reads the request the contract has already validated, calls the
 * {@link MemoryService} for the caller's workspace, writes JSON.
 */
public final class MemoryHandler {
  static final int DEFAULT_RELATED_LIMIT = 10;
  static final double DEFAULT_RELATED_THRESHOLD = 0.75;
  /** How many similar memories include_related=true appends. */
  static final int INCLUDED_RELATED = 5;
  static final int DEFAULT_TIMELINE_DAYS = 7;

  /** The request header that makes a creating POST safe to retry ({@link IdempotentWrites}). */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** Set on an answer that is the stored answer to an earlier request with the same key. */
  static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

  private final Pool pool;
  private final MemoryService memories;
  private final double similarityThreshold;

  /** @param similarityThreshold the lowest cosine similarity include_related shows */
  public MemoryHandler(Pool pool, MemoryService memories, double similarityThreshold) {
    this.pool = pool;
    this.memories = memories;
    this.similarityThreshold = similarityThreshold;
  }

  public void store(RoutingContext rc) {
    JsonObject b = body(rc);
    NewMemory m = new NewMemory(b.getString("title"), b.getString("narrative"),
        b.getString("memory_type", "general"), strings(b, "tags"), strings(b, "concepts"),
        strings(b, "source_files"), b.getDouble("importance_score", 0.5), b.getDouble("confidence_score", 0.5));
    String ws = TokenAuth.workspaceId(rc);
    create(rc, () -> memories.store(ws, m), conn -> memories.store(conn, ws, m), Memory::toJson);
  }

  public void list(RoutingContext rc) {
    Map<String, RequestParameter> q = query(rc);
    MemoryListQuery query = new MemoryListQuery(
        Optional.ofNullable(string(q, "memory_type")),
        integer(q, "limit", MemoryListQuery.DEFAULT_LIMIT),
        integer(q, "offset", 0),
        Optional.ofNullable(string(q, "ordering")).orElse(MemoryListQuery.DEFAULT_ORDERING),
        bool(q, "pruning_candidates"), stringArray(q, "tags"), decimal(q, "min_importance", 0.0));
    respond(rc, 200, memories.list(TokenAuth.workspaceId(rc), query).map(list -> array(list, Memory::toJson)));
  }

  public void get(RoutingContext rc) {
    String ws = TokenAuth.workspaceId(rc);
    String id = memoryId(rc);
    Future<MemoryDetail> detail = memories.detail(ws, id);
    if (bool(query(rc), "include_related")) {
      respond(rc, 200, detail.compose(d -> memories.related(ws, id, INCLUDED_RELATED, similarityThreshold)
          .map(related -> d.toJson().put("related_memories", array(related, SearchResult::toJson)))));
    } else {
      respond(rc, 200, detail.map(MemoryDetail::encode));
    }
  }

  public void related(RoutingContext rc) {
    Map<String, RequestParameter> q = query(rc);
    respond(rc, 200, memories.related(TokenAuth.workspaceId(rc), memoryId(rc),
            integer(q, "limit", DEFAULT_RELATED_LIMIT), decimal(q, "similarity_threshold", DEFAULT_RELATED_THRESHOLD))
        .map(related -> array(related, SearchResult::toJson)));
  }

  public void index(RoutingContext rc) {
    Map<String, RequestParameter> q = query(rc);
    respond(rc, 200, memories.index(TokenAuth.workspaceId(rc), Optional.ofNullable(string(q, "memory_type")),
            integer(q, "limit", MemoryListQuery.DEFAULT_LIMIT), integer(q, "offset", 0))
        .map(entries -> array(entries, MemoryIndexEntry::toJson)));
  }

  public void timeline(RoutingContext rc) {
    Map<String, RequestParameter> q = query(rc);
    respond(rc, 200, memories.timeline(TokenAuth.workspaceId(rc), integer(q, "days", DEFAULT_TIMELINE_DAYS),
            Optional.ofNullable(string(q, "memory_type")), integer(q, "limit", MemoryListQuery.DEFAULT_LIMIT),
            integer(q, "offset", 0))
        .map(list -> array(list, Memory::toJson)));
  }

  public void addRelationship(RoutingContext rc) {
    JsonObject b = body(rc);
    String ws = TokenAuth.workspaceId(rc);
    ManualRelationship r = new ManualRelationship(memoryId(rc), b.getString("target_memory_id"),
        b.getString("relationship_type"), b.getDouble("confidence", 1.0), b.getBoolean("is_bidirectional", false),
        b.getString("context"));
    create(rc, () -> memories.addRelationship(ws, r), conn -> memories.addRelationship(conn, ws, r),
        Relationship::toJson);
  }

  public void update(RoutingContext rc) {
    JsonObject b = body(rc);
    MemoryChanges changes = new MemoryChanges(b.getString("title"), b.getString("narrative"),
        b.getString("memory_type"), stringsOrNull(b, "tags"), stringsOrNull(b, "concepts"),
        stringsOrNull(b, "source_files"), b.getDouble("importance_score"), b.getDouble("confidence_score"));
    String id = memoryId(rc);
    respond(rc, 200, memories.update(TokenAuth.workspaceId(rc), id, changes)
        .map(Memory::toJson));
  }

  public void delete(RoutingContext rc) {
    String id = memoryId(rc);
    memories.delete(TokenAuth.workspaceId(rc), id)
        .onSuccess(v -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  public void batchDelete(RoutingContext rc) {
    respond(rc, 200, memories.deleteMany(TokenAuth.workspaceId(rc), strings(body(rc), "memory_ids"))
        .map(n -> new JsonObject().put("deleted_count", n)));
  }

  public void feedback(RoutingContext rc) {
    JsonObject b = body(rc);
    String ws = TokenAuth.workspaceId(rc);
    Rating rating = new Rating(memoryId(rc), b.getBoolean("useful"), b.getString("context"), b.getString("session_id"));
    create(rc, () -> memories.rate(ws, rating), conn -> memories.rate(conn, ws, rating), Feedback::toJson);
  }

  public void recordAccess(RoutingContext rc) {
    respond(rc, 200, memories.recordAccess(TokenAuth.workspaceId(rc), memoryId(rc)).map(Memory::toJson));
  }

  public void recordRetrieval(RoutingContext rc) {
    respond(rc, 200, memories.recordRetrieval(TokenAuth.workspaceId(rc), memoryId(rc)).map(Memory::toJson));
  }

  /**
   * A POST that creates something, answered 201: {@code write} as it is, or, with an Idempotency-Key,
   * {@code writeIn} in a transaction that also records the answer, so that a retry of the same request gets
   * it again (marked {@value #IDEMPOTENT_REPLAYED}) and writes nothing.
   */
  private <T> void create(RoutingContext rc, Supplier<Future<T>> write, Function<SqlConnection, Future<T>> writeIn,
                          Function<T, JsonObject> toJson) {
    String key = rc.request().getHeader(IDEMPOTENCY_KEY);
    if (key == null) {
      respond(rc, 201, write.get().map(toJson));
      return;
    }
    IdempotentWrites.Request request = new IdempotentWrites.Request(TokenAuth.workspaceId(rc), key,
        IdempotentWrites.fingerprint(rc.request().method().name(), rc.normalizedPath(), body(rc).encode()));
    IdempotentWrites.run(pool, request, 201, writeIn, t -> toJson.apply(t).encode())
        .onSuccess(answer -> {
          HttpServerResponse res = rc.response().setStatusCode(answer.status())
              .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
          if (answer.replayed()) {
            res.putHeader(IDEMPOTENT_REPLAYED, "true");
          }
          res.end(answer.body());
        })
        .onFailure(rc::fail);
  }

  private static String memoryId(RoutingContext rc) {
    return pathParameter(rc, "memory_id");
  }
}
