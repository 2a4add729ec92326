package dev.mnemograph.api.memory;

import dev.mnemograph.api.search.SearchResult;
import dev.mnemograph.bus.Addresses;
import dev.mnemograph.db.Transactions;
import dev.mnemograph.error.ConflictException;
import dev.mnemograph.error.InvalidRequestException;
import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.ManualRelationship;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryChanges;
import dev.mnemograph.memory.MemoryDetail;
import dev.mnemograph.memory.MemoryIndexEntry;
import dev.mnemograph.memory.MemoryListQuery;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.memory.Relationship;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.secrets.SecretRedactions;
import dev.mnemograph.secrets.SecretRedactor;
import dev.mnemograph.vector.Neighbour;
import dev.mnemograph.vector.VectorSearch;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

import java.util.List;
import java.util.Optional;

/**
 * The memory operations of the API. Each write is one transaction, together with the background jobs
 * it causes, so that no work is lost and none is queued for a write that did not happen. Once those jobs
 * are committed, and only then, the workers are told ({@link Addresses#jobsReady}): here, once for every
 * caller (REST, MCP).
 */
public final class MemoryService {
  private final Pool pool;
  private final MemoryRepository memories;
  private final RelationshipRepository relationships;
  private final VectorSearch vectors;
  private final AccessEvents accessEvents;
  private final FeedbackRepository feedback = new FeedbackRepository();
  private final EventBus bus;

  /** @param bus where the workers hear that jobs were committed */
  public MemoryService(Pool pool, MemoryRepository memories, RelationshipRepository relationships,
                       VectorSearch vectors, AccessEvents accessEvents, EventBus bus) {
    this.pool = pool;
    this.bus = bus;
    this.memories = memories;
    this.relationships = relationships;
    this.vectors = vectors;
    this.accessEvents = accessEvents;
  }

  /** The memory and its embed job, in one statement. */
  public Future<Memory> store(String workspaceId, NewMemory m) {
    return store(pool, workspaceId, m);
  }

  /**
   * {@link #store(String, NewMemory)} on a connection (in a transaction of the caller's). Known secrets in the
   * title and narrative are replaced by {@code [REDACTED:<kind>]} first, and counted.
   */
  public Future<Memory> store(SqlClient client, String workspaceId, NewMemory m) {
    SecretRedactor.Redacted title = SecretRedactor.redact(m.title());
    SecretRedactor.Redacted narrative = SecretRedactor.redact(m.narrative());
    NewMemory clean = new NewMemory(title.text(), narrative.text(), m.memoryType(), m.tags(), m.concepts(),
        m.sourceFiles(), m.importanceScore(), m.confidenceScore());
    return memories.insertQueuingEmbed(client, workspaceId, clean)
        .compose(stored -> SecretRedactions.add(client, workspaceId, SecretRedactions.sum(title, narrative))
            .map(stored))
        .onSuccess(stored -> wakeWorkersOnCommit(client, stored.memoryId()));
  }

  /**
   * Tells the workers about the jobs a write queued, once they are committed: at once after a statement of
   * its own, at the commit of the caller's transaction otherwise (never for one rolled back).
   */
  private void wakeWorkersOnCommit(SqlClient client, String memoryId) {
    Transaction caller = client instanceof SqlConnection conn ? conn.transaction() : null;
    if (caller == null) {
      Addresses.jobsReady(bus, memoryId);
    } else {
      caller.completion().onSuccess(v -> Addresses.jobsReady(bus, memoryId));
    }
  }

  public Future<List<Memory>> list(String workspaceId, MemoryListQuery q) {
    return memories.list(workspaceId, q);
  }

  /**
   * The detail view: the memory with its feedback counts and both relationship arrays, in one read, and an
   * access event (counted in the answer, written by {@link AccessEvents}).
   */
  public Future<MemoryDetail> detail(String workspaceId, String memoryId) {
    return accessEvents.read(workspaceId, memoryId, true, () -> memories.detail(workspaceId, memoryId),
        (d, unwritten) -> d.with(unwritten.applyTo(d.memory())));
  }

  /**
   * A text change re-embeds (and so re-links) the memory; a change of source files alone only re-links it.
   * Secrets in a new title or narrative are redacted as in {@link #store}.
   */
  public Future<Memory> update(String workspaceId, String memoryId, MemoryChanges asSent) {
    SecretRedactor.Redacted title = SecretRedactor.redact(asSent.title());
    SecretRedactor.Redacted narrative = SecretRedactor.redact(asSent.narrative());
    MemoryChanges changes = new MemoryChanges(title.text(), narrative.text(), asSent.memoryType(), asSent.tags(),
        asSent.concepts(), asSent.sourceFiles(), asSent.importanceScore(), asSent.confidenceScore());
    return Transactions.run(pool, conn -> memories.update(conn, workspaceId, memoryId, changes)
        .compose(updated -> SecretRedactions.add(conn, workspaceId, SecretRedactions.sum(title, narrative))
            .map(updated))
        .compose(updated -> {
          if (changes.changesEmbeddedText()) {
            return JobQueue.enqueue(conn, workspaceId, JobKind.EMBED, memoryId).map(updated);
          }
          if (changes.sourceFiles() != null) {
            return JobQueue.enqueue(conn, workspaceId, JobKind.DISCOVER_RELATIONSHIPS, memoryId).map(updated);
          }
          return Future.succeededFuture(updated);
        }))
        .onSuccess(updated -> Addresses.jobsReady(bus, memoryId));
  }

  /**
   * Memories similar to this one, best first, each scored by its cosine similarity; empty while it has no
   * embedding.
   */
  public Future<List<SearchResult>> related(String workspaceId, String memoryId, int limit, double threshold) {
    return Transactions.run(pool, conn -> memories.get(conn, workspaceId, memoryId)
        .compose(source -> vectors.nearestTo(conn, workspaceId, memoryId, limit))
        .compose(near -> {
          List<Neighbour> kept = near.stream().filter(n -> n.similarity() >= threshold).toList();
          return memories.getAll(conn, workspaceId, kept.stream().map(Neighbour::memoryId).toList())
              .map(found -> kept.stream().filter(n -> found.containsKey(n.memoryId()))
                  .map(n -> SearchResult.similar(found.get(n.memoryId()), n.similarity())).toList());
        }));
  }

  /** The workspace's memories as one line each, most important first. */
  public Future<List<MemoryIndexEntry>> index(String workspaceId, Optional<String> memoryType, int limit, int offset) {
    return memories.index(workspaceId, memoryType, limit, offset);
  }

  /** Memories created in the last {@code days} days, newest first. */
  public Future<List<Memory>> timeline(String workspaceId, int days, Optional<String> memoryType, int limit,
                                       int offset) {
    return memories.timeline(workspaceId, days, memoryType, limit, offset);
  }

  /** Memories that name this file among their source files, most important first. */
  public Future<List<Memory>> byFile(String workspaceId, String filePath, int limit) {
    return memories.byFile(workspaceId, filePath, limit);
  }

  /** A manual edge from this memory to another of the same workspace (404 if either is missing). */
  public Future<Relationship> addRelationship(String workspaceId, ManualRelationship r) {
    return Transactions.run(pool, conn -> addRelationship(conn, workspaceId, r));
  }

  /** {@link #addRelationship(String, ManualRelationship)} in the caller's transaction. */
  public Future<Relationship> addRelationship(SqlConnection conn, String workspaceId, ManualRelationship r) {
    if (r.sourceMemoryId().equals(r.targetMemoryId())) {
      return Future.failedFuture(new InvalidRequestException(List.of("body", "target_memory_id"),
          "A memory cannot have a relationship with itself.", "value_error"));
    }
    return WorkspaceLock.forLinking(conn, workspaceId)
        .compose(v -> memories.get(conn, workspaceId, r.sourceMemoryId()))
        .compose(s -> memories.get(conn, workspaceId, r.targetMemoryId()))
        .compose(t -> relationships.addManual(conn, workspaceId, r))
        .compose(added -> WorkspaceGraph.markChanged(conn, List.of(workspaceId)).map(added))
        .compose(added -> added.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new ConflictException("A manual '" + r.type() + "' relationship from " + r.sourceMemoryId() + " to "
                + r.targetMemoryId() + " already exists."))));
  }

  /**
   * Deletes the memory with its edges; the memories that had chosen it as a discovered neighbour are queued
   * to choose again, and the workspace's graph is due for analysis.
   */
  public Future<Void> delete(String workspaceId, String memoryId) {
    return Transactions.run(pool, conn -> WorkspaceLock.forDeletion(conn, workspaceId)
        .compose(v -> relationships.requeueChoosersOf(conn, workspaceId, List.of(memoryId)))
        .compose(n -> memories.delete(conn, workspaceId, memoryId))
        .compose(v -> WorkspaceGraph.markChanged(conn, List.of(workspaceId))))
        .onSuccess(v -> Addresses.jobsReady(bus, memoryId));   // its neighbours choose again
  }

  /** {@link #delete} for several memories at once; answers how many existed. */
  public Future<Integer> deleteMany(String workspaceId, List<String> memoryIds) {
    return Transactions.run(pool, conn -> WorkspaceLock.forDeletion(conn, workspaceId)
        .compose(v -> relationships.requeueChoosersOf(conn, workspaceId, memoryIds))
        .compose(n -> memories.deleteMany(conn, workspaceId, memoryIds))
        .compose(deleted -> WorkspaceGraph.markChanged(conn, List.of(workspaceId)).map(deleted)))
        .onSuccess(deleted -> {
          if (deleted > 0) {   // an empty list deletes nothing and has no neighbours to wake (the fuzzer sent one)
            Addresses.jobsReady(bus, memoryIds.get(0));
          }
        });
  }

  /** An access event written at once (POST .../access), answered with this node's unwritten ones applied. */
  public Future<Memory> recordAccess(String workspaceId, String memoryId) {
    return accessEvents.read(workspaceId, memoryId, false, () -> memories.recordAccess(workspaceId, memoryId),
        (m, unwritten) -> unwritten.applyTo(m));
  }

  public Future<Memory> recordRetrieval(String workspaceId, String memoryId) {
    return accessEvents.read(workspaceId, memoryId, false, () -> memories.recordRetrieval(workspaceId, memoryId),
        (m, unwritten) -> unwritten.applyTo(m));
  }

  /**
   * Rates a memory as useful or not: the rating, its counter on the memory and the memory's learned
   * importance, in one transaction.
   */
  public Future<Feedback> rate(String workspaceId, Rating rating) {
    return Transactions.run(pool, conn -> rate(conn, workspaceId, rating));
  }

  /** {@link #rate(String, Rating)} in the caller's transaction. */
  public Future<Feedback> rate(SqlConnection conn, String workspaceId, Rating rating) {
    return feedback.record(conn, workspaceId, rating);
  }
}
