package dev.mnemograph.worker.extraction;

import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.workspace.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The SQL of extraction: a session's observations read in order, and what a run writes. */
final class ExtractionRepository {
  /** Observations per read: contents are up to 200,000 characters each, so a page stays within tens of MB. */
  static final int PAGE = 100;

  private static final String SESSION = """
      SELECT project_name, branch_name, observation_count, extracted_observations
      FROM agent_session WHERE workspace_id = $1 AND session_id = $2""";

  /** The session's observations after ($3, $4), in the order they happened. */
  private static final String PAGE_AFTER = """
      SELECT observed_at, observation_id, category, content FROM observation
      WHERE workspace_id = $1 AND session_id = $2 AND (observed_at, observation_id) > ($3, $4)
      ORDER BY observed_at, observation_id
      LIMIT $5""";

  private static final String EARLIER_RUNS = """
      SELECT extraction_key, memory_id, content_hash FROM extracted_memory
      WHERE workspace_id = $1 AND session_id = $2""";

  /** The memory most like a new one among the workspace's others of its type, not of this session. */
  private static final String MOST_SIMILAR = """
      SELECT e.memory_id, 1 - (e.embedding <=> $3::vector) AS similarity
      FROM memory_embedding e JOIN memory m ON m.workspace_id = e.workspace_id AND m.memory_id = e.memory_id
      WHERE e.workspace_id = $1 AND m.memory_type = $2 AND m.source_session_id IS DISTINCT FROM $4
      ORDER BY e.embedding <=> $3::vector
      LIMIT 1""";

  /**
   * The memory, its embedding (made by the extraction, which had it for the near-duplicate check: no embed job)
   * and its relationship discovery, in one statement.
   */
  private static final String INSERT = """
      WITH m AS (
        INSERT INTO memory (memory_id, workspace_id, title, narrative, memory_type, tags, source_files,
                            importance_score, base_importance, confidence_score, source_session_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 0.5, $9)
        RETURNING workspace_id, memory_id),
      e AS (
        INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
        SELECT workspace_id, memory_id, $10::vector, $11 FROM m),
      j AS (%s)
      SELECT memory_id FROM m""".formatted(JobQueue.enqueueFrom("m", JobKind.DISCOVER_RELATIONSHIPS));

  /** The same for a rewrite; only a memory of this session's: one a user moved elsewhere is left as it is. */
  private static final String UPDATE = """
      WITH m AS (
        UPDATE memory SET title = $3, narrative = $4, memory_type = $5, tags = $6, source_files = $7,
                          updated_at = now()
        WHERE workspace_id = $1 AND memory_id = $2 AND source_session_id = $8
        RETURNING workspace_id, memory_id),
      e AS (
        INSERT INTO memory_embedding (workspace_id, memory_id, embedding, model)
        SELECT workspace_id, memory_id, $9::vector, $10 FROM m
        ON CONFLICT (workspace_id, memory_id) DO UPDATE SET embedding = EXCLUDED.embedding, model = EXCLUDED.model),
      j AS (%s)
      SELECT memory_id FROM m""".formatted(JobQueue.enqueueFrom("m", JobKind.DISCOVER_RELATIONSHIPS));

  /** What repeats an existing memory makes it a little more important and more certain, once per session. */
  private static final String STRENGTHEN = """
      UPDATE memory SET base_importance = least(1, base_importance + 0.05),
                        confidence_score = least(1, confidence_score + 0.05),
                        importance_score =\s""" + MemoryRepository.LEARNED_IMPORTANCE.formatted(
      "least(1, base_importance + 0.05)") + """

      WHERE workspace_id = $1 AND memory_id = $2""";

  private static final String RECORD = """
      INSERT INTO extracted_memory (workspace_id, session_id, extraction_key, memory_id, content_hash, strengthened)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (workspace_id, session_id, extraction_key)
      DO UPDATE SET memory_id = EXCLUDED.memory_id, content_hash = EXCLUDED.content_hash""";

  private static final String MARK_EXTRACTED = """
      UPDATE agent_session SET extracted_observations = greatest(extracted_observations, $3), extracted_at = now()
      WHERE workspace_id = $1 AND session_id = $2""";

  /**
   * Sessions with observations not extracted yet and none for the idle time, queued unless a job for them is
   * pending or running already.
   */
  private static final String QUEUE_IDLE = """
      INSERT INTO job (workspace_id, kind, session_id)
      SELECT s.workspace_id, 'extract_session', s.session_id FROM agent_session s
      WHERE s.observation_count > s.extracted_observations
        AND s.last_observation_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM job j WHERE j.kind = 'extract_session' AND j.workspace_id = s.workspace_id
                        AND j.session_id = s.session_id AND j.status IN ('pending', 'running'))
      ON CONFLICT (kind, workspace_id, session_id) WHERE status = 'pending' AND session_id IS NOT NULL DO NOTHING""";

  private final Pool pool;

  ExtractionRepository(Pool pool) {
    this.pool = pool;
  }

  /** The session as extraction sees it, or null when it is gone. */
  Future<SessionState> session(String workspaceId, String sessionId) {
    return pool.preparedQuery(SESSION).execute(Tuple.of(workspaceId, sessionId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new SessionState(r.getString(0), r.getString(1), r.getInteger(2), r.getInteger(3));
    });
  }

  /** Feeds every observation of the session to {@code each} (category, content), a page at a time, in order. */
  Future<Void> observations(String workspaceId, String sessionId, BiConsumer<String, String> each) {
    return pageAfter(workspaceId, sessionId, OffsetDateTime.parse("0001-01-01T00:00:00Z"), "", each);
  }

  private Future<Void> pageAfter(String workspaceId, String sessionId, OffsetDateTime at, String id,
                                 BiConsumer<String, String> each) {
    return pool.preparedQuery(PAGE_AFTER).execute(Tuple.of(workspaceId, sessionId, at, id, PAGE)).compose(rows -> {
      OffsetDateTime lastAt = at;
      String lastId = id;
      for (Row r : rows) {
        each.accept(r.getString(2), r.getString(3));
        lastAt = r.getOffsetDateTime(0);
        lastId = r.getString(1);
      }
      return rows.size() < PAGE ? Future.succeededFuture() : pageAfter(workspaceId, sessionId, lastAt, lastId, each);
    });
  }

  /** What earlier runs of the session made: key → (memory id, content hash). */
  Future<Map<String, Earlier>> earlierRuns(String workspaceId, String sessionId) {
    return pool.preparedQuery(EARLIER_RUNS).execute(Tuple.of(workspaceId, sessionId)).map(rows -> {
      Map<String, Earlier> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString(0), new Earlier(r.getString(1), r.getString(2))));
      return out;
    });
  }

  /** The most similar memory of the type (id and cosine similarity), or null in a workspace without one. */
  static Future<Similar> mostSimilar(SqlClient conn, String workspaceId, String memoryType, String vector,
                                     String sessionId) {
    return conn.preparedQuery(MOST_SIMILAR).execute(Tuple.of(workspaceId, memoryType, vector, sessionId))
        .map(rows -> rows.size() == 0 ? null
            : new Similar(rows.iterator().next().getString(0), rows.iterator().next().getDouble(1)));
  }

  /** Inserts the memory with its embedding (pgvector text) and discovery job; answers its id. */
  static Future<String> insert(SqlClient conn, String workspaceId, String sessionId, ExtractedMemory m,
                               String vector, String model) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(Ids.memoryId(), workspaceId, m.title(), m.narrative(),
            m.memoryType(), m.tags().toArray(String[]::new), m.sourceFiles().toArray(String[]::new), m.importance())
            .addString(sessionId).addString(vector).addString(model))
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** Rewrites an earlier run's memory, its embedding and discovery; answers whether it was still there. */
  static Future<Boolean> update(SqlClient conn, String workspaceId, String sessionId, String memoryId,
                                ExtractedMemory m, String vector, String model) {
    return conn.preparedQuery(UPDATE).execute(Tuple.of(workspaceId, memoryId, m.title(), m.narrative(),
            m.memoryType(), m.tags().toArray(String[]::new), m.sourceFiles().toArray(String[]::new)).addString(sessionId)
            .addString(vector).addString(model))
        .map(rows -> rows.size() > 0);
  }

  static Future<Void> strengthen(SqlClient conn, String workspaceId, String memoryId) {
    return conn.preparedQuery(STRENGTHEN).execute(Tuple.of(workspaceId, memoryId)).mapEmpty();
  }

  static Future<Void> record(SqlClient conn, String workspaceId, String sessionId, ExtractedMemory m, String memoryId,
                             boolean strengthened) {
    return conn.preparedQuery(RECORD)
        .execute(Tuple.of(workspaceId, sessionId, m.key(), memoryId, m.contentHash(), strengthened)).mapEmpty();
  }

  static Future<Void> markExtracted(SqlClient conn, String workspaceId, String sessionId, int observations) {
    return conn.preparedQuery(MARK_EXTRACTED).execute(Tuple.of(workspaceId, sessionId, observations)).mapEmpty();
  }

  /** Queues the sessions idle for longer than {@code idle}; answers how many. */
  Future<Integer> queueIdle(Duration idle) {
    return pool.preparedQuery(QUEUE_IDLE).execute(Tuple.of(idle.toMillis() / 1000.0)).map(r -> r.rowCount());
  }

  record SessionState(String projectName, String branchName, int observationCount, int extractedObservations) {
  }

  record Earlier(String memoryId, String contentHash) {
  }

  record Similar(String memoryId, double similarity) {
  }
}
