package dev.mnemograph.memory;

import dev.mnemograph.error.NotFoundException;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.jobs.JobQueue;
import dev.mnemograph.workspace.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Memories in PostgreSQL. Every statement carries the workspace: a memory of another workspace is
 * indistinguishable from one that does not exist.
 */
public final class MemoryRepository {
  private static final String INSERT = """
      INSERT INTO memory (memory_id, workspace_id, title, narrative, memory_type, tags, concepts, source_files,
                          importance_score, base_importance, confidence_score)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
      RETURNING\s""" + Memory.COLUMNS;

  /** {@link #INSERT} and the new memory's embed job, in one statement. */
  private static final String INSERT_QUEUING_EMBED = "WITH m AS (" + INSERT + "), j AS ("
      + JobQueue.enqueueFrom("m", JobKind.EMBED) + ") SELECT * FROM m";

  private static final String FIND = "SELECT " + Memory.COLUMNS
      + " FROM memory WHERE workspace_id = $1 AND memory_id = $2";

  private static final String FIND_MANY = "SELECT " + Memory.COLUMNS
      + " FROM memory WHERE workspace_id = $1 AND memory_id = ANY($2)";

  /** A memory the pruning rule would remove ($n: the retention in days). */
  private static final String PRUNING_CANDIDATE = " AND importance_score < 0.3"
      + " AND created_at < now() - make_interval(days => $%d)"
      + " AND coalesce(last_accessed_at, created_at) < now() - interval '90 days'";

  /**
   * A memory's learned importance from the given base and its own signals (V004's function), as of now; for
   * the right-hand side of an UPDATE of memory.
   */
  public static final String LEARNED_IMPORTANCE = """
      learned_importance(%s, feedback_positive_count, feedback_negative_count, access_count, retrieval_count,
                         pagerank_score, greatest(last_accessed_at, created_at), now())""";

  private static final String UPDATE = """
      UPDATE memory SET
        title = coalesce($3, title),
        narrative = coalesce($4, narrative),
        memory_type = coalesce($5, memory_type),
        tags = coalesce($6, tags),
        concepts = coalesce($7, concepts),
        source_files = coalesce($8, source_files),
        base_importance = coalesce($9, base_importance),
        importance_score = CASE WHEN $9::float8 IS NULL THEN importance_score
                                ELSE\s""" + LEARNED_IMPORTANCE.formatted("$9::float8") + """
                           END,
        confidence_score = coalesce($10, confidence_score),
        updated_at = now()
      WHERE workspace_id = $1 AND memory_id = $2
      RETURNING\s""" + Memory.COLUMNS;

  private static final String RECORD_ACCESS = """
      UPDATE memory SET access_count = access_count + 1, last_accessed_at = now()
      WHERE workspace_id = $1 AND memory_id = $2
      RETURNING\s""" + Memory.COLUMNS;

  /**
   * One direction of a memory's edges as the text of a JSON array, strongest first, each element as
   * {@link Relationship#toJson()} writes it: the relationship_json that V009's trigger wrote with the row, read
   * from the index that holds it, so that the API sends it on as it comes (parsing and writing it again took
   * much of the API node's CPU per GET, rendering it at each read much of PostgreSQL's; BENCHMARKS.md,
   * "The request path and load"). %s: the column that is the memory.
   */
  private static final String EDGES = "(SELECT '[' || coalesce(string_agg(relationship_json, ',' "
      + "ORDER BY confidence DESC, created_at), '') || ']' FROM memory_relationship "
      + "WHERE workspace_id = $1 AND %s = $2)";

  /** The detail view in one statement: the memory and both arrays of its relationships. */
  private static final String DETAIL = "SELECT " + Memory.COLUMNS + ", " + EDGES.formatted("source_memory_id")
      + " AS outgoing, " + EDGES.formatted("target_memory_id") + " AS incoming FROM memory "
      + "WHERE workspace_id = $1 AND memory_id = $2";

  private static final String RECORD_RETRIEVAL = """
      UPDATE memory SET retrieval_count = retrieval_count + 1
      WHERE workspace_id = $1 AND memory_id = $2
      RETURNING\s""" + Memory.COLUMNS;

  private static final String RECORD_RETRIEVALS = """
      UPDATE memory SET retrieval_count = retrieval_count + 1
      WHERE workspace_id = $1 AND memory_id = ANY($2)
      RETURNING\s""" + Memory.COLUMNS;

  private static final String INDEX = """
      SELECT memory_id, title, memory_type, importance_score FROM memory
      WHERE workspace_id = $1 AND ($2::text IS NULL OR memory_type = $2)
      ORDER BY importance_score DESC, created_at DESC, memory_id
      LIMIT $3 OFFSET $4""";

  private static final String TIMELINE = "SELECT " + Memory.COLUMNS + """
       FROM memory
      WHERE workspace_id = $1 AND created_at >= now() - make_interval(days => $2)
        AND ($3::text IS NULL OR memory_type = $3)
      ORDER BY created_at DESC, memory_id
      LIMIT $4 OFFSET $5""";

  /**
   * The path as stored, or the same file named from another root: an absolute path ending in a stored
   * relative one, or the other way round (agents send both).
   */
  private static final String BY_FILE = "SELECT " + Memory.COLUMNS + """
       FROM memory
      WHERE workspace_id = $1
        AND (source_files @> ARRAY[$2::text]
             OR EXISTS (SELECT 1 FROM unnest(source_files) f
                        WHERE right($2, length(f) + 1) = '/' || f OR right(f, length($2) + 1) = '/' || $2))
      ORDER BY importance_score DESC, created_at DESC, memory_id
      LIMIT $3""";

  private static final String DELETE = "DELETE FROM memory WHERE workspace_id = $1 AND memory_id = $2";

  private static final String DELETE_MANY = "DELETE FROM memory WHERE workspace_id = $1 AND memory_id = ANY($2)";

  private final Pool pool;
  private final int retentionDays;

  public MemoryRepository(Pool pool, int retentionDays) {
    this.pool = pool;
    this.retentionDays = retentionDays;
  }

  /** Inserts the memory and queues its embedding, in one statement (and so one transaction, one round trip). */
  public Future<Memory> insertQueuingEmbed(SqlClient client, String workspaceId, NewMemory m) {
    return insert(client, INSERT_QUEUING_EMBED, workspaceId, m);
  }

  /** Inserts the memory alone (no job) on the given client, so that a caller can make it part of a transaction. */
  public Future<Memory> insert(SqlClient client, String workspaceId, NewMemory m) {
    return insert(client, INSERT, workspaceId, m);
  }

  private static Future<Memory> insert(SqlClient client, String sql, String workspaceId, NewMemory m) {
    return client.preparedQuery(sql)
        .execute(Tuple.of(Ids.memoryId(), workspaceId, m.title(), m.narrative(), m.memoryType(),
            m.tags().toArray(String[]::new), m.concepts().toArray(String[]::new),
            m.sourceFiles().toArray(String[]::new))
            .addDouble(m.importanceScore()).addDouble(m.confidenceScore()))
        .map(rows -> Memory.of(rows.iterator().next()));
  }

  /** The memory, or a failed future with {@link NotFoundException}. */
  public Future<Memory> get(SqlClient client, String workspaceId, String memoryId) {
    return client.preparedQuery(FIND).execute(Tuple.of(workspaceId, memoryId))
        .map(rows -> single(rows, memoryId));
  }

  /** Those of the given memories that exist in the workspace, by memory_id. */
  public Future<Map<String, Memory>> getAll(SqlClient client, String workspaceId, List<String> memoryIds) {
    return byMemoryId(client, FIND_MANY, workspaceId, memoryIds);
  }

  /**
   * A page of the workspace's memories. Each combination of filters is its own statement, holding only the
   * conditions it uses, and the page's bounds are literals (two ints), so that PostgreSQL plans it once and
   * keeps the plan. With {@code $2 IS NULL OR ...} for the filters and a parameter for LIMIT, the generic
   * plan's estimate (a tenth of the workspace's rows) always lost to a custom one, and every call was planned
   * anew, the planning taking longer than the execution (BENCHMARKS.md, "The request path and load").
   */
  public Future<List<Memory>> list(String workspaceId, MemoryListQuery q) {
    StringBuilder sql = new StringBuilder("SELECT ").append(Memory.COLUMNS).append(" FROM memory WHERE workspace_id = $1");
    Tuple args = Tuple.of(workspaceId);
    if (q.memoryType().isPresent()) {
      args.addString(q.memoryType().get());
      sql.append(" AND memory_type = $").append(args.size());
    }
    if (q.pruningCandidates()) {
      args.addInteger(retentionDays);
      sql.append(PRUNING_CANDIDATE.formatted(args.size()));
    }
    if (!q.tags().isEmpty()) {
      args.addArrayOfString(q.tags().toArray(String[]::new));
      sql.append(" AND tags @> $").append(args.size()).append("::text[]");
    }
    if (q.minImportance() > 0) {
      args.addDouble(q.minImportance());
      sql.append(" AND importance_score >= $").append(args.size());
    }
    sql.append(" ORDER BY ").append(q.orderBy()).append(" LIMIT ").append(q.limit()).append(" OFFSET ").append(q.offset());
    return pool.preparedQuery(sql.toString()).mapping(Memory::of).execute(args)
        .map(MemoryRepository::all);
  }

  public Future<Memory> update(SqlClient client, String workspaceId, String memoryId, MemoryChanges c) {
    return client.preparedQuery(UPDATE)
        .execute(Tuple.of(workspaceId, memoryId, c.title(), c.narrative(), c.memoryType(),
                array(c.tags()), array(c.concepts()), array(c.sourceFiles()))
            .addValue(c.importanceScore()).addValue(c.confidenceScore()))
        .map(rows -> single(rows, memoryId));
  }

  public Future<Memory> recordAccess(String workspaceId, String memoryId) {
    return pool.preparedQuery(RECORD_ACCESS).execute(Tuple.of(workspaceId, memoryId))
        .map(rows -> single(rows, memoryId));
  }

  public Future<Memory> recordRetrieval(String workspaceId, String memoryId) {
    return pool.preparedQuery(RECORD_RETRIEVAL).execute(Tuple.of(workspaceId, memoryId))
        .map(rows -> single(rows, memoryId));
  }

  /** One retrieval event for each of the memories, in one statement; answers them as they are now. */
  public Future<Map<String, Memory>> recordRetrievals(SqlClient client, String workspaceId, List<String> memoryIds) {
    return byMemoryId(client, RECORD_RETRIEVALS, workspaceId, memoryIds);
  }

  /** Runs a statement of ($1 workspace, $2 memory ids) that answers memories, keyed by memory_id. */
  private static Future<Map<String, Memory>> byMemoryId(SqlClient client, String sql, String workspaceId,
                                                       List<String> memoryIds) {
    if (memoryIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return client.preparedQuery(sql).mapping(Memory::of)
        .execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Memory> out = new HashMap<>();
          rows.forEach(m -> out.put(m.memoryId(), m));
          return out;
        });
  }

  public Future<List<MemoryIndexEntry>> index(String workspaceId, Optional<String> memoryType, int limit, int offset) {
    return pool.preparedQuery(INDEX).mapping(MemoryIndexEntry::of)
        .execute(Tuple.of(workspaceId, memoryType.orElse(null), limit, offset))
        .map(MemoryRepository::all);
  }

  public Future<List<Memory>> timeline(String workspaceId, int days, Optional<String> memoryType, int limit,
                                       int offset) {
    return pool.preparedQuery(TIMELINE).mapping(Memory::of)
        .execute(Tuple.of(workspaceId, days, memoryType.orElse(null), limit, offset))
        .map(MemoryRepository::all);
  }

  public Future<List<Memory>> byFile(String workspaceId, String filePath, int limit) {
    return pool.preparedQuery(BY_FILE).mapping(Memory::of).execute(Tuple.of(workspaceId, filePath, limit))
        .map(MemoryRepository::all);
  }

  /** Deletes a memory; its relationships go with it (ON DELETE CASCADE). */
  public Future<Void> delete(SqlClient client, String workspaceId, String memoryId) {
    return client.preparedQuery(DELETE).execute(Tuple.of(workspaceId, memoryId))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(NotFoundException.memory(memoryId)));
  }

  /** Deletes those of the given memories that belong to the workspace; answers how many. */
  public Future<Integer> deleteMany(SqlClient client, String workspaceId, List<String> memoryIds) {
    return client.preparedQuery(DELETE_MANY).execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new)))
        .map(RowSet::rowCount);
  }

  /** The memory with its outgoing and incoming relationships (its access events are counted by the API). */
  public Future<MemoryDetail> detail(String workspaceId, String memoryId) {
    return pool.preparedQuery(DETAIL).execute(Tuple.of(workspaceId, memoryId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw NotFoundException.memory(memoryId);
          }
          Row r = rows.iterator().next();
          return new MemoryDetail(Memory.of(r), r.getString("outgoing"), r.getString("incoming"));
        });
  }

  private static Memory single(RowSet<Row> rows, String memoryId) {
    if (rows.size() == 0) {
      throw NotFoundException.memory(memoryId);
    }
    return Memory.of(rows.iterator().next());
  }

  private static <T> List<T> all(RowSet<T> rows) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }

  private static String[] array(List<String> values) {
    return values == null ? null : values.toArray(String[]::new);
  }
}
