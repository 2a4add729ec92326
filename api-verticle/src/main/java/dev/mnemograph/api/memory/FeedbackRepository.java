package dev.mnemograph.api.memory;

import dev.mnemograph.error.NotFoundException;
import dev.mnemograph.memory.MemoryRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Ratings of memories (memory_feedback) and the counters and learned importance they move on the memory.
 * Both statements belong in one transaction (the caller's).
 */
public final class FeedbackRepository {
  /** Counts the rating on the memory and stores it; no row when the memory is not in the workspace. */
  private static final String RECORD = """
      WITH counted AS (
        UPDATE memory SET
          feedback_positive_count = feedback_positive_count + CASE WHEN $3 THEN 1 ELSE 0 END,
          feedback_negative_count = feedback_negative_count + CASE WHEN $3 THEN 0 ELSE 1 END
        WHERE workspace_id = $1 AND memory_id = $2
        RETURNING workspace_id, memory_id)
      INSERT INTO memory_feedback (workspace_id, memory_id, useful, context, session_id)
      SELECT workspace_id, memory_id, $3, $4, $5 FROM counted
      RETURNING feedback_id, memory_id, useful, context, session_id, created_at""";

  /** After the counters moved (a statement of its own, so that it sees the new counts). */
  private static final String RELEARN = "UPDATE memory SET importance_score = "
      + MemoryRepository.LEARNED_IMPORTANCE.formatted("base_importance") + """
       WHERE workspace_id = $1 AND memory_id = $2
      RETURNING importance_score""";

  /** Stores the rating, counts it and learns the memory's importance again; 404 for an unknown memory. */
  public Future<Feedback> record(SqlClient conn, String workspaceId, Rating rating) {
    return conn.preparedQuery(RECORD)
        .execute(Tuple.of(workspaceId, rating.memoryId(), rating.useful(), rating.context(), rating.sessionId()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(NotFoundException.memory(rating.memoryId()));
          }
          Row stored = rows.iterator().next();
          return conn.preparedQuery(RELEARN).execute(Tuple.of(workspaceId, rating.memoryId()))
              .map(relearned -> Feedback.of(stored, relearned.iterator().next().getDouble("importance_score")));
        });
  }
}
