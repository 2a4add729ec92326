package dev.mnemograph.jobs;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.search.Neighbour;
import dev.mnemograph.search.VectorSearch;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces memories' discovered edges, a claimed batch per transaction: similar_to to each one's nearest
 * memories above the similarity threshold (both directions), references to those sharing source files,
 * related_to to those sharing concepts. Manual edges are left alone.
 */
public final class DiscoverRelationshipsJobHandler implements JobHandler {
  private final Pool pool;
  private final RelationshipRepository relationships;
  private final VectorSearch vectors;
  private final double similarityThreshold;
  private final int maxPerMethod;
  private final boolean singleSession;

  /**
   * @param singleSession whether the database is one session shared by everything (the embedded one): then
   *                      one batch at a time, and none while embedding has a backlog
   */
  public DiscoverRelationshipsJobHandler(Pool pool, RelationshipRepository relationships, VectorSearch vectors,
                                         double similarityThreshold, int maxPerMethod, boolean singleSession) {
    this.pool = pool;
    this.relationships = relationships;
    this.vectors = vectors;
    this.similarityThreshold = similarityThreshold;
    this.maxPerMethod = maxPerMethod;
    this.singleSession = singleSession;
  }

  /** Discovery is all SQL: on a real PostgreSQL two batches run side by side. */
  @Override
  public int lanes() {
    return singleSession ? 1 : 2;
  }

  @Override
  public JobKind kind() {
    return JobKind.DISCOVER_RELATIONSHIPS;
  }

  @Override
  public int claimLimit() {
    return 16;
  }

  @Override
  public boolean batched() {
    return true;
  }

  /**
   * On the single-session embedded database every statement of ours delays the vectors the model is waiting
   * to store, and the model is the scarce resource through a burst: edges follow once the backlog is
   * embedded. A real PostgreSQL has room for both.
   */
  @Override
  public JobKind waitsForBacklogOf() {
    return singleSession ? JobKind.EMBED : null;
  }

  /**
   * All claimed jobs in one transaction: a few set-based statements instead of several per memory. Holds
   * the workspaces' linking lock, so a memory it links to cannot be deleted under it.
   */
  @Override
  public Future<Void> run(List<Job> jobs, String workerId) {
    List<String> workspaceIds = jobs.stream().map(Job::workspaceId).toList();
    List<String> memoryIds = jobs.stream().map(Job::memoryId).toList();
    return Transactions.run(pool, conn -> WorkspaceLock.forLinking(conn, workspaceIds)
        .compose(v -> maxPerMethod == 0 ? Future.succeededFuture(Map.<String, List<Neighbour>>of())
            : vectors.nearestToEach(conn, workspaceIds, memoryIds, maxPerMethod))
        .compose(near -> relationships.replaceDiscovered(conn, workspaceIds, memoryIds, aboveThreshold(near),
            maxPerMethod))
        .compose(n -> JobQueue.complete(conn, jobs, workerId)));
  }

  private Map<String, List<Neighbour>> aboveThreshold(Map<String, List<Neighbour>> near) {
    Map<String, List<Neighbour>> kept = new HashMap<>();
    near.forEach((memoryId, neighbours) -> kept.put(memoryId,
        neighbours.stream().filter(n -> n.similarity() >= similarityThreshold).toList()));
    return kept;
  }
}
