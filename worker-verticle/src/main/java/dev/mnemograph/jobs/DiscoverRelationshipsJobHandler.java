package dev.mnemograph.jobs;

import dev.mnemograph.db.Transactions;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.memory.WorkspaceLock;
import dev.mnemograph.search.Neighbour;
import dev.mnemograph.search.VectorSearch;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * Replaces a memory's discovered edges in one transaction: similar_to to its nearest memories above the
 * similarity threshold (both directions), references to those sharing source files, related_to to those
 * sharing concepts. Manual edges are left alone.
 */
public final class DiscoverRelationshipsJobHandler implements JobHandler {
  private final Pool pool;
  private final RelationshipRepository relationships;
  private final VectorSearch vectors;
  private final double similarityThreshold;
  private final int maxPerMethod;
  private final int lanes;

  /** @param lanes jobs run at once: 1 on the single-session embedded database, more on a pool */
  public DiscoverRelationshipsJobHandler(Pool pool, RelationshipRepository relationships, VectorSearch vectors,
                                         double similarityThreshold, int maxPerMethod, int lanes) {
    this.pool = pool;
    this.relationships = relationships;
    this.vectors = vectors;
    this.similarityThreshold = similarityThreshold;
    this.maxPerMethod = maxPerMethod;
    this.lanes = lanes;
  }

  @Override
  public int lanes() {
    return lanes;
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
    return false;
  }

  /** Holds the workspace's linking lock, so a memory it links to cannot be deleted under it. */
  @Override
  public Future<Void> run(List<Job> jobs, String workerId) {
    Job job = jobs.get(0);
    return Transactions.run(pool, conn -> WorkspaceLock.forLinking(conn, job.workspaceId())
        .compose(v -> VectorSearch.embeddingOf(conn, job.workspaceId(), job.memoryId()))
        .compose(vector -> vector == null || maxPerMethod == 0 ? Future.succeededFuture(List.<Neighbour>of())
            : vectors.nearest(conn, job.workspaceId(), vector, job.memoryId(), maxPerMethod))
        .compose(near -> relationships.replaceDiscovered(conn, job.workspaceId(), job.memoryId(),
            near.stream().filter(n -> n.similarity() >= similarityThreshold).toList(), maxPerMethod))
        .compose(n -> JobQueue.complete(conn, jobs, workerId)));
  }
}
