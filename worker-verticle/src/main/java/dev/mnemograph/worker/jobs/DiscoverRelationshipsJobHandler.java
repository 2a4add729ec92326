package dev.mnemograph.worker.jobs;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Transactions;
import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.jobs.Job;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.vector.Neighbour;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-discovers the edges around a claimed batch of changed memories, in one transaction (see
 * {@link RelationshipRepository} for what a discovered edge is and how it stays a function of the memories).
 * Manual edges are left alone.
 */
public final class DiscoverRelationshipsJobHandler implements JobHandler {
  /** How many nearest memories a changed one is offered to through the HNSW index (all above the threshold on the exact path). */
  private static final int MIN_INDEX_OFFERS = 32;

  private final Pool pool;
  private final RelationshipRepository relationships;
  private final VectorSearch vectors;
  private final double similarityThreshold;
  private final int maxPerMethod;
  private final int exactScanMaxRows;
  private final boolean singleSession;
  private final WorkerMetrics metrics;

  /**
   * What discovery looks for and where it runs.
   *
   * @param similarityThreshold the lowest cosine for a {@code similar_to} edge
   * @param maxPerMethod        discovered edges per memory and method (0: none discovered)
   * @param exactScanMaxRows    workspaces up to this size are searched exactly, larger ones through the index
   * @param singleSession       whether the database is one session shared by everything (the embedded one):
   *                            then one batch at a time, and none while embedding has a backlog
   */
  public record Settings(double similarityThreshold, int maxPerMethod, int exactScanMaxRows, boolean singleSession) {
    public static Settings from(AppConfig config) {
      return new Settings(config.similarityThreshold(), config.maxSimilarNeighbours(), config.exactScanMaxRows(),
          config.embeddedDatabase());
    }
  }

  public DiscoverRelationshipsJobHandler(Pool pool, RelationshipRepository relationships, VectorSearch vectors,
                                         Settings settings, WorkerMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.relationships = relationships;
    this.vectors = vectors;
    this.similarityThreshold = settings.similarityThreshold();
    this.maxPerMethod = settings.maxPerMethod();
    this.exactScanMaxRows = settings.exactScanMaxRows();
    this.singleSession = settings.singleSession();
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
   * the workspaces' linking lock, so that a memory it links to cannot be deleted under it, and their
   * discovery lock, so that it sees every choice the batch before it made.
   */
  @Override
  public Future<Void> run(List<Job> jobs, String workerId) {
    // a memory's pending job and its expired running one may come in the same claim
    Map<String, String> byMemory = new LinkedHashMap<>();
    jobs.forEach(j -> byMemory.put(j.memoryId(), j.workspaceId()));
    List<String> memoryIds = List.copyOf(byMemory.keySet());
    List<String> workspaceIds = List.copyOf(byMemory.values());
    if (maxPerMethod == 0) {
      return Transactions.run(pool, conn -> JobQueue.complete(conn, jobs, workerId));
    }
    return Transactions.run(pool, conn -> WorkspaceLock.forLinking(conn, workspaceIds)
        .compose(v -> WorkspaceLock.forDiscovery(conn, workspaceIds))
        .compose(v -> relationships.choosersOf(conn, workspaceIds, memoryIds))
        .compose(afresh -> vectors.nearestToEach(conn, workspaceIds, memoryIds, exactScanMaxRows,
                Math.max(MIN_INDEX_OFFERS, 4 * maxPerMethod), similarityThreshold)
            .compose(offers -> {
              List<String> otherWorkspaces = afresh.workspaceIds().subList(memoryIds.size(), afresh.memoryIds().size());
              List<String> others = afresh.memoryIds().subList(memoryIds.size(), afresh.memoryIds().size());
              Future<Map<String, List<Neighbour>>> near = others.isEmpty() ? Future.succeededFuture(Map.of())
                  : vectors.nearestToEach(conn, otherWorkspaces, others, maxPerMethod, maxPerMethod,
                      similarityThreshold);
              return near.map(ofOthers -> {
                // a changed memory's own k nearest are the first of those it is offered to
                Map<String, List<Neighbour>> nearest = new HashMap<>(ofOthers);
                offers.forEach((id, list) -> nearest.put(id, list.subList(0, Math.min(maxPerMethod, list.size()))));
                return nearest;
              }).compose(nearest -> relationships.rediscover(conn, workspaceIds, memoryIds, afresh, nearest, offers,
                  maxPerMethod));
            }))
        .compose(n -> WorkspaceGraph.markChanged(conn, workspaceIds))
        .compose(v -> JobQueue.completeAged(conn, jobs, workerId)))
        .map(aged -> {
          metrics.linked(aged);
          return null;
        });
  }
}
