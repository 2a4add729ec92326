package dev.mnemograph.api.workspace;

import dev.mnemograph.json.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The SQL of the workspace reads in Neuroloom's shapes: the key's workspaces and the insight. */
public final class WorkspaceInsightRepository {
  private static final String WORKSPACE = "SELECT workspace_id, name, created_at FROM workspace WHERE workspace_id = $1";

  /** One row: counts per memory type and per relationship type, and the last discovery and the last memory. */
  private static final String INSIGHT = """
      SELECT
        (SELECT coalesce(jsonb_object_agg(memory_type, n), '{}')
         FROM (SELECT memory_type, count(*) AS n FROM memory WHERE workspace_id = $1 GROUP BY memory_type) t)
          AS memory_counts,
        (SELECT coalesce(jsonb_agg(jsonb_build_object('relationship_type', relationship_type, 'count', n)
                                   ORDER BY n DESC, relationship_type), '[]')
         FROM (SELECT relationship_type, count(*) AS n FROM memory_relationship WHERE workspace_id = $1
               GROUP BY relationship_type) t)
          AS relationship_counts,
        (SELECT max(finished_at) FROM job
         WHERE workspace_id = $1 AND kind = 'discover_relationships' AND status = 'done') AS last_discovery_run_at,
        (SELECT max(created_at) FROM memory WHERE workspace_id = $1) AS last_memory_added_at,
        (SELECT coalesce(sum(observation_count - extracted_observations), 0)::int FROM agent_session
         WHERE workspace_id = $1) AS pending_observations,
        (SELECT coalesce(jsonb_object_agg(kind, n), '{}') FROM (
           SELECT kind, sum(n) AS n FROM (
             SELECT e.key AS kind, e.value::bigint AS n
             FROM observation o, jsonb_each_text(o.redacted) e WHERE o.workspace_id = $1 AND o.redacted IS NOT NULL
             UNION ALL
             SELECT kind, redacted FROM secret_redaction WHERE workspace_id = $1) all_kinds
           GROUP BY kind) r) AS redacted_secrets""";

  private final Pool pool;

  public WorkspaceInsightRepository(Pool pool) {
    this.pool = pool;
  }

  /** The key's workspaces: its own, as a list. */
  public Future<JsonArray> workspaces(String workspaceId) {
    return pool.preparedQuery(WORKSPACE).execute(Tuple.of(workspaceId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("workspace_id", r.getString("workspace_id")).put("name", r.getString("name"))
            .put("created_at", Timestamps.format(r.getOffsetDateTime("created_at"))));
      }
      return out;
    });
  }

  public Future<JsonObject> insight(String workspaceId) {
    return pool.preparedQuery(INSIGHT).execute(Tuple.of(workspaceId)).map(rows -> {
      Row r = rows.iterator().next();
      JsonObject memoryCounts = new JsonObject(r.getJsonObject("memory_counts").encode());
      JsonArray relationshipCounts = new JsonArray(r.getJsonArray("relationship_counts").encode());
      long memories = memoryCounts.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
      long relationships = relationshipCounts.stream().mapToLong(o -> ((JsonObject) o).getLong("count")).sum();
      return new JsonObject()
          .put("workspace_id", workspaceId)
          .put("memory_counts", memoryCounts)
          .put("total_memories", memories)
          .put("total_relationships", relationships)
          .put("relationship_counts", relationshipCounts)
          .put("last_discovery_run_at", Timestamps.format(r.getOffsetDateTime("last_discovery_run_at")))
          .put("last_memory_added_at", Timestamps.format(r.getOffsetDateTime("last_memory_added_at")))
          .put("pending_observations", r.getInteger("pending_observations"))
          .put("redacted_secrets", r.getValue("redacted_secrets") instanceof JsonObject o ? o
              : new JsonObject(String.valueOf(r.getValue("redacted_secrets"))));
    });
  }
}
