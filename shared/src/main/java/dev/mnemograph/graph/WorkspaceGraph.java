package dev.mnemograph.graph;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The state of each workspace's graph analysis ({@code workspace_graph}): when its graph last changed, which
 * change no run has seen yet, who is running it, and how the last run went. A run is due once the graph has
 * been quiet for the delay, or has kept changing for longer than the longest wait, or when the last run is
 * older than the periodic interval; a lease makes it one run per workspace across all worker processes. A
 * failed run is tried again after the longest wait, so that one broken workspace never holds up the others.
 */
public final class WorkspaceGraph {
  private static final String MARK_CHANGED = """
      INSERT INTO workspace_graph (workspace_id, changed_at, pending_since)
      SELECT w, now(), now() FROM unnest($1::text[]) AS w
      ON CONFLICT (workspace_id) DO UPDATE
        SET changed_at = now(), pending_since = coalesce(workspace_graph.pending_since, now())""";

  /** $1 worker, $2 lease s, $3 quiet delay s, $4 longest wait s, $5 periodic interval s. */
  private static final String CLAIM_DUE = """
      UPDATE workspace_graph g SET running_by = $1, lease_until = now() + make_interval(secs => $2),
                                   last_run_started_at = now()
      WHERE g.workspace_id = (
        SELECT workspace_id FROM workspace_graph
        WHERE (running_by IS NULL OR lease_until < now())
          AND (last_error IS NULL OR last_run_finished_at <= now() - make_interval(secs => $4))
          AND ((pending_since IS NOT NULL
                AND (changed_at <= now() - make_interval(secs => $3)
                     OR pending_since <= now() - make_interval(secs => $4)))
               OR last_run_finished_at <= now() - make_interval(secs => $5))
        ORDER BY pending_since NULLS LAST, last_run_finished_at NULLS FIRST
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING g.workspace_id, g.last_run_started_at""";

  /**
   * $1 workspace, $2 worker, $3 the run's start (changes after it stay pending, pending since that start at
   * the earliest: the longest wait counts again from there, or a workspace that keeps changing would be
   * analysed back to back), $4 ms, $5 nodes, $6 edges, $7 communities, $8 error or null.
   */
  private static final String FINISH = """
      UPDATE workspace_graph SET running_by = NULL, lease_until = NULL,
        pending_since = CASE WHEN $8::text IS NOT NULL THEN pending_since WHEN changed_at < $3 THEN NULL
                             ELSE greatest(pending_since, $3) END,
        last_run_finished_at = now(), last_run_ms = $4, last_run_nodes = $5, last_run_edges = $6,
        last_run_communities = $7, last_error = $8
      WHERE workspace_id = $1 AND running_by = $2""";

  private static final String LAST_RUN = """
      SELECT last_run_started_at, last_run_finished_at, last_run_ms, last_run_nodes, last_run_edges,
             last_run_communities, last_error, pending_since, running_by IS NOT NULL AND lease_until > now() AS running
      FROM workspace_graph WHERE workspace_id = $1""";

  /** A claimed run: the workspace and when the run started (the database's clock). */
  public record Run(String workspaceId, OffsetDateTime startedAt) {
  }

  /** What a run found. */
  public record Outcome(long millis, int nodes, int edges, int communities) {
  }

  private final Pool pool;

  public WorkspaceGraph(Pool pool) {
    this.pool = pool;
  }

  /** Records that the workspaces' graphs changed, in the caller's transaction (one order everywhere). */
  public static Future<Void> markChanged(SqlClient conn, Collection<String> workspaceIds) {
    return conn.preparedQuery(MARK_CHANGED)
        .execute(Tuple.of(new TreeSet<>(workspaceIds).toArray(String[]::new))).mapEmpty();
  }

  /** Claims the workspace whose run is most overdue, if any is due. */
  public Future<Optional<Run>> claimDue(String workerId, Duration lease, Duration delay, Duration longestWait,
                                        Duration interval) {
    return pool.preparedQuery(CLAIM_DUE)
        .execute(Tuple.of(workerId, seconds(lease), seconds(delay), seconds(longestWait), seconds(interval)))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new Run(rows.iterator().next().getString(0), rows.iterator().next().getOffsetDateTime(1))));
  }

  public Future<Void> finish(Run run, String workerId, Outcome outcome) {
    return pool.preparedQuery(FINISH).execute(Tuple.of(run.workspaceId(), workerId, run.startedAt(),
        outcome.millis(), outcome.nodes(), outcome.edges(), outcome.communities()).addString(null)).mapEmpty();
  }

  /** A failed run: the change stays pending, so the run is due again after the delay. */
  public Future<Void> fail(Run run, String workerId, long millis, String error) {
    return pool.preparedQuery(FINISH).execute(Tuple.of(run.workspaceId(), workerId, run.startedAt(), millis)
        .addInteger(null).addInteger(null).addInteger(null).addString(error)).mapEmpty();
  }

  /** A stopping worker's run that did not finish: due again at once for any worker. */
  public Future<Void> release(String workerId) {
    return pool.preparedQuery("UPDATE workspace_graph SET running_by = NULL, lease_until = NULL WHERE running_by = $1")
        .execute(Tuple.of(workerId)).mapEmpty();
  }

  /** The workspace's last graph run for GET /workspace, or null before the first. */
  public Future<JsonObject> lastRun(String workspaceId) {
    return pool.preparedQuery(LAST_RUN).execute(Tuple.of(workspaceId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      if (r.getOffsetDateTime("last_run_finished_at") == null) {
        return null;
      }
      return new JsonObject()
          .put("started_at", Timestamps.format(r.getOffsetDateTime("last_run_started_at")))
          .put("finished_at", Timestamps.format(r.getOffsetDateTime("last_run_finished_at")))
          .put("duration_ms", r.getInteger("last_run_ms"))
          .put("nodes", r.getInteger("last_run_nodes"))
          .put("edges", r.getInteger("last_run_edges"))
          .put("communities", r.getInteger("last_run_communities"))
          .put("error", r.getString("last_error"))
          .put("changes_pending", r.getOffsetDateTime("pending_since") != null)
          .put("running", r.getBoolean("running"));
    });
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
