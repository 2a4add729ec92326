package dev.mnemograph.workspace;

import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.jobs.JobKind;
import dev.mnemograph.json.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Workspaces and their API keys. Keys are looked up by their SHA-256, compared in SQL. */
public final class WorkspaceRepository {
  private static final String KEY_COLUMNS = """
      k.key_id, k.workspace_id, w.name AS workspace_name, k.name, k.key_prefix, k.created_at, k.revoked_at""";

  private static final String INSERT_WORKSPACE =
      "INSERT INTO workspace (workspace_id, name) VALUES ($1, $2) RETURNING workspace_id, name";
  private static final String FIND_WORKSPACE =
      "SELECT workspace_id, name FROM workspace WHERE workspace_id = $1 OR name = $1";
  private static final String FIRST_WORKSPACE =
      "SELECT workspace_id, name FROM workspace ORDER BY created_at, workspace_id LIMIT 1";
  private static final String INSERT_KEY = """
      WITH k AS (INSERT INTO api_key (workspace_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4)
                 RETURNING *)
      SELECT""" + " " + KEY_COLUMNS + " FROM k JOIN workspace w USING (workspace_id)";
  private static final String ACTIVE_KEY_WORKSPACE =
      "SELECT workspace_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL";
  private static final String LIST_KEYS = "SELECT " + KEY_COLUMNS
      + " FROM api_key k JOIN workspace w USING (workspace_id) ORDER BY w.name, k.created_at, k.key_id";
  private static final String REVOKE_KEY = """
      UPDATE api_key SET revoked_at = now()
      WHERE revoked_at IS NULL AND (key_id::text = $1 OR key_prefix = $1)
      RETURNING key_id""";

  /** The job statuses counted per kind (done jobs are history, not queue). */
  private static final List<String> QUEUE_STATUSES = List.of("pending", "running", "failed");

  /** A count column per kind and status of the queue, e.g. {@code embed_pending}, all from one scan. */
  private static final String JOBS_BY_KIND = Arrays.stream(JobKind.values())
      .flatMap(kind -> QUEUE_STATUSES.stream().map(status -> ",\n                           "
          + "count(*) FILTER (WHERE kind = '" + kind.dbName() + "' AND status = '" + status + "') AS "
          + kind.dbName() + "_" + status))
      .collect(Collectors.joining());

  private static final String SUMMARY = """
      SELECT w.workspace_id, w.name, w.created_at, m.memory_count, m.embedded_count,
             (SELECT count(*) FROM memory_relationship r WHERE r.workspace_id = w.workspace_id) AS relationship_count,
             j.*
      FROM workspace w,
           LATERAL (SELECT count(*) AS memory_count,
                           (SELECT count(*) FROM memory_embedding e WHERE e.workspace_id = w.workspace_id)
                             AS embedded_count
                    FROM memory WHERE workspace_id = w.workspace_id) m,
           LATERAL (SELECT count(*) FILTER (WHERE status IN ('pending', 'running')) AS open_jobs,
                           count(*) FILTER (WHERE status = 'failed') AS failed_jobs%s
                    FROM job WHERE workspace_id = w.workspace_id) j
      WHERE w.workspace_id = $1""".formatted(JOBS_BY_KIND);

  private final Pool pool;

  public WorkspaceRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * The workspace of an active key, or empty for an unknown or revoked one. Asks the database every time;
   * the API asks through its key cache.
   */
  public Future<Optional<String>> workspaceOfKey(String key) {
    return workspaceOfKeyHash(ApiKeys.hash(key));
  }

  /** {@link #workspaceOfKey} by the key's SHA-256 ({@link ApiKeys#hash}). */
  public Future<Optional<String>> workspaceOfKeyHash(String keyHash) {
    return pool.preparedQuery(ACTIVE_KEY_WORKSPACE).execute(Tuple.of(keyHash))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** Creates a workspace and its first key, in one transaction. */
  public Future<NewApiKey> createWorkspace(String name, String keyName) {
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT_WORKSPACE)
        .execute(Tuple.of(Ids.workspaceId(), name))
        .map(rows -> workspace(rows.iterator().next()))
        .compose(ws -> insertKey(conn, ws, keyName)));
  }

  /** A new key for an existing workspace, named by id or by name. */
  public Future<NewApiKey> createKey(String workspace, String keyName) {
    return findWorkspace(workspace).compose(ws -> ws
        .map(w -> insertKey(pool, w, keyName))
        .orElseGet(() -> Future.failedFuture(new IllegalArgumentException("No workspace '" + workspace + "'"))));
  }

  public Future<Optional<Workspace>> findWorkspace(String idOrName) {
    return pool.preparedQuery(FIND_WORKSPACE).execute(Tuple.of(idOrName))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(workspace(rows.iterator().next())));
  }

  /** GET /workspace: the workspace with its counts and its last graph analysis (null before the first). */
  public Future<JsonObject> summary(String workspaceId) {
    return pool.preparedQuery(SUMMARY).execute(Tuple.of(workspaceId)).compose(rows -> {
      Row r = rows.iterator().next();
      JsonObject summary = new JsonObject()
          .put("workspace_id", r.getString("workspace_id"))
          .put("name", r.getString("name"))
          .put("created_at", Timestamps.format(r.getOffsetDateTime("created_at")))
          .put("memory_count", r.getLong("memory_count"))
          .put("embedded_memory_count", r.getLong("embedded_count"))
          .put("relationship_count", r.getLong("relationship_count"))
          .put("jobs", new JsonObject().put("open", r.getLong("open_jobs")).put("failed", r.getLong("failed_jobs"))
              .put("by_kind", jobsByKind(r)));
      return new WorkspaceGraph(pool).lastRun(workspaceId).map(run -> summary.put("last_graph_run", run));
    });
  }

  private static JsonObject jobsByKind(Row r) {
    JsonObject byKind = new JsonObject();
    for (JobKind kind : JobKind.values()) {
      JsonObject counts = new JsonObject();
      QUEUE_STATUSES.forEach(status -> counts.put(status, r.getLong(kind.dbName() + "_" + status)));
      byKind.put(kind.dbName(), counts);
    }
    return byKind;
  }

  public Future<Optional<Workspace>> firstWorkspace() {
    return pool.query(FIRST_WORKSPACE).execute()
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(workspace(rows.iterator().next())));
  }

  public Future<List<ApiKeyInfo>> listKeys() {
    return pool.preparedQuery(LIST_KEYS).mapping(WorkspaceRepository::keyInfo).execute()
        .map(rows -> {
          List<ApiKeyInfo> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  /** Revokes the active key with this id or display prefix; answers how many were revoked (0 or 1). */
  public Future<Integer> revokeKey(String idOrPrefix) {
    return pool.preparedQuery(REVOKE_KEY).execute(Tuple.of(idOrPrefix)).map(RowSet::rowCount);
  }

  private static Future<NewApiKey> insertKey(SqlClient client, Workspace ws, String keyName) {
    String key = ApiKeys.newKey();
    return client.preparedQuery(INSERT_KEY)
        .execute(Tuple.of(ws.workspaceId(), keyName, ApiKeys.displayPrefix(key), ApiKeys.hash(key)))
        .map(rows -> new NewApiKey(ws, keyInfo(rows.iterator().next()), key));
  }

  private static Workspace workspace(Row r) {
    return new Workspace(r.getString("workspace_id"), r.getString("name"));
  }

  private static ApiKeyInfo keyInfo(Row r) {
    return new ApiKeyInfo(r.getLong("key_id"), r.getString("workspace_id"), r.getString("workspace_name"),
        r.getString("name"), r.getString("key_prefix"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("revoked_at"));
  }
}
