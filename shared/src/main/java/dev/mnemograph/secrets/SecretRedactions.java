package dev.mnemograph.secrets;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.TreeMap;

/**
 * The count of secrets taken out of the memories and documents a workspace's clients stored (table
 * {@code secret_redaction}); observations count theirs in their own rows. Counts only: what was taken out is
 * never kept anywhere.
 */
public final class SecretRedactions {
  private static final String ADD = """
      INSERT INTO secret_redaction (workspace_id, kind, redacted)
      SELECT $1, kind, n FROM unnest($2::text[], $3::bigint[]) AS c(kind, n)
      ON CONFLICT (workspace_id, kind) DO UPDATE SET redacted = secret_redaction.redacted + EXCLUDED.redacted""";

  private SecretRedactions() {
  }

  /** Adds the counts on the given client (the write's transaction, where there is one); none is a no-op. */
  public static Future<Void> add(SqlClient client, String workspaceId, Map<String, Integer> counts) {
    if (counts.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(ADD).execute(Tuple.of(workspaceId)
            .addArrayOfString(counts.keySet().toArray(String[]::new))
            .addArrayOfLong(counts.values().stream().map(Integer::longValue).toArray(Long[]::new)))
        .mapEmpty();
  }

  /** The counts of several redactions, summed per kind. */
  public static Map<String, Integer> sum(SecretRedactor.Redacted... redactions) {
    Map<String, Integer> out = new TreeMap<>();
    for (SecretRedactor.Redacted r : redactions) {
      r.counts().forEach((kind, n) -> out.merge(kind, n, Integer::sum));
    }
    return out;
  }
}
