package dev.mnemograph.api.observations;

import dev.mnemograph.api.sessions.SessionRepository;
import dev.mnemograph.db.Chunks;
import dev.mnemograph.db.Transactions;
import dev.mnemograph.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The SQL of observations: a batch is stored in one transaction (the sessions it names made on the fly, its
 * observations inserted once each, its sessions' counters moved), so that a batch is stored whole or not at
 * all and a replayed one changes nothing.
 */
final class ObservationRepository {
  /** Rows per statement: a replayed buffer of 10,000 is ten statements. */
  static final int CHUNK = 1_000;

  /** $1 workspace, then one array per column; answers the observations stored now (not those seen before). */
  private static final String INSERT = """
      WITH stored AS (
        INSERT INTO observation (workspace_id, observation_id, session_id, observed_at, category, content,
                                 agent_id, agent_type, redacted)
        SELECT $1, o.id, o.session_id, o.observed_at, o.category, o.content, o.agent_id, o.agent_type,
               o.redacted::jsonb
        FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::text[]) AS o(id, session_id, observed_at, category, content, agent_id, agent_type, redacted)
        ON CONFLICT (workspace_id, observation_id) DO NOTHING
        RETURNING session_id, observed_at),
      counted AS (
        SELECT session_id, count(*) AS n, max(observed_at) AS last FROM stored GROUP BY session_id),
      moved AS (
        UPDATE agent_session s
        SET observation_count = s.observation_count + c.n,
            last_observation_at = greatest(s.last_observation_at, c.last)
        FROM counted c
        WHERE s.workspace_id = $1 AND s.session_id = c.session_id)
      SELECT coalesce(sum(n), 0)::int FROM counted""";

  private final Pool pool;

  ObservationRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores the observations; answers how many were new to the workspace and how many of their sessions, ended
   * already, had their extraction queued again (observations that arrive after the end are extracted too).
   */
  Future<Stored> store(String workspaceId, List<NewObservation> observations) {
    if (observations.isEmpty()) {
      return Future.succeededFuture(new Stored(0, 0));
    }
    List<String> sessions = observations.stream().map(NewObservation::sessionId).distinct().toList();
    return Transactions.run(pool, conn -> SessionRepository.ensure(conn, workspaceId, sessions)
        .compose(v -> Chunks.inOrder(observations.size(), CHUNK, (start, end) -> {
          List<NewObservation> chunk = observations.subList(start, end);
          return conn.preparedQuery(INSERT).execute(Tuple.of(workspaceId)
                  .addArrayOfString(chunk.stream().map(NewObservation::observationId).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::sessionId).toArray(String[]::new))
                  .addArrayOfOffsetDateTime(chunk.stream().map(NewObservation::observedAt)
                      .toArray(OffsetDateTime[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::category).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::content).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::agentId).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::agentType).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(NewObservation::redactedJson).toArray(String[]::new)))
              .map(rows -> rows.iterator().next().getInteger(0));
        }))
        .compose(stored -> JobQueue.enqueueExtraction(conn, workspaceId, sessions).map(q -> new Stored(stored, q))));
  }

  /** @param observations new to the workspace; @param extractionsQueued sessions whose extraction was queued */
  record Stored(int observations, int extractionsQueued) {
  }
}
