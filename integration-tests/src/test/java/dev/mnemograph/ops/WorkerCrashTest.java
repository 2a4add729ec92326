package dev.mnemograph.ops;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.ClusterNodes;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker node is killed with SIGKILL in the middle of a batch and started again: every memory ends up
 * embedded and linked exactly once (the same edges as a workspace of the same memories that no crash touched,
 * none twice), and the dead worker's jobs are taken again within the lease (30 s), so that nothing is still
 * waiting 60 s after the restart. API and worker nodes as separate JVMs on native PostgreSQL
 * ({@link ClusterNodes}).
 */
@Tag("slow")
class WorkerCrashTest {
  private static final int MEMORIES = 64;
  private static final String[] SENTENCES = {
      "The service reaches PostgreSQL through a bounded connection pool.",
      "Pool size is about twice the database server's cores.",
      "Leaked connections exhausted the pool and requests timed out.",
      "Deploys roll out one availability zone at a time behind a feature flag.",
      "A failed canary rolls the deploy back automatically within five minutes.",
      "The cache keeps session tokens for fifteen minutes in Redis.",
      "Cache keys carry the schema version so a deploy never reads stale entries.",
      "Retries use exponential backoff with jitter, at most five attempts."};
  private static final String[] FILES = {"db/pool.py", "deploy/rollout.yaml", "cache/sessions.py", "http/retry.py"};
  private static final String[] CONCEPTS = {"connection-pooling", "deployment", "caching", "resilience"};

  private static JsonObject memory(int i) {
    return new JsonObject()
        .put("title", "Operations note " + i)
        .put("narrative", SENTENCES[i % 8] + " " + SENTENCES[(i * 3 + 1) % 8] + " Note " + i + ".")
        .put("source_files", new JsonArray(List.of(FILES[i % 4])))
        .put("concepts", new JsonArray(List.of(CONCEPTS[(i / 2) % 4])));
  }

  @Test
  void a_worker_killed_mid_batch_leaves_every_memory_embedded_and_linked_exactly_once() throws Exception {
    String url = TestService.realDatabaseUrl();
    try (ClusterNodes cluster = new ClusterNodes(url)) {
      cluster.start("api");
      Api crashed = cluster.newWorkspace("crash");
      String crashedId = crashed.get("/workspace").bodyAsJsonObject().getString("workspace_id");
      for (int i = 0; i < MEMORIES; i++) {
        crashed.store(memory(i));   // queued while no worker runs
      }
      Process worker = cluster.start("worker");

      // SIGKILL once the worker has committed some embeddings and holds claimed jobs it has not finished
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Row state;
      do {
        state = cluster.pool().preparedQuery("SELECT (SELECT count(*) FROM memory_embedding WHERE workspace_id = $1), "
            + "(SELECT count(*) FROM job WHERE workspace_id = $1 AND status = 'running')")
            .execute(Tuple.of(crashedId)).await().iterator().next();
        assertTrue(System.nanoTime() < deadline, "the worker never got going");
        Thread.sleep(20);
      } while (state.getLong(0) == 0 || state.getLong(1) == 0);
      worker.destroyForcibly();
      worker.waitFor();
      long embeddedAtKill = state.getLong(0);
      long runningAtKill = running(cluster, crashedId);
      assertTrue(embeddedAtKill < MEMORIES, "killed before the end: " + embeddedAtKill + " embedded");
      assertTrue(runningAtKill > 0, "the dead worker's claims are still leased to it");

      cluster.start("worker");
      long restarted = System.nanoTime();
      Jobs.awaitWorkspaceSettled(crashed, MEMORIES, restarted);
      long settledMs = (System.nanoTime() - restarted) / 1_000_000;

      // the reference: the same memories, stored while the worker runs, never interrupted
      Api reference = cluster.newWorkspace("reference");
      for (int i = 0; i < MEMORIES; i++) {
        reference.store(memory(i));
      }
      Jobs.awaitWorkspaceSettled(reference, MEMORIES, System.nanoTime());

      Set<String> crashedEdges = edges(cluster, crashed);
      assertTrue(crashedEdges.size() > MEMORIES, "the memories are linked: " + crashedEdges.size() + " edges");
      assertEquals(edges(cluster, reference), crashedEdges, "the same edges as without the crash");
      assertEquals(0L, cluster.pool().preparedQuery("SELECT count(*) - count(DISTINCT (source_memory_id, "
              + "target_memory_id, relationship_type)) FROM memory_relationship WHERE workspace_id = $1")
          .execute(Tuple.of(crashedId)).await().iterator().next().getLong(0), "no edge twice");
      JsonObject jobs = crashed.get("/workspace").bodyAsJsonObject().getJsonObject("jobs");
      assertEquals(0, jobs.getInteger("failed"), jobs.encode());
      System.out.printf("WorkerCrashTest: SIGKILL with %d of %d embedded and %d jobs claimed; all settled %d ms "
          + "after the restart; %d edges, as without the crash%n", embeddedAtKill, MEMORIES, runningAtKill, settledMs,
          crashedEdges.size());
    }
  }

  private static long running(ClusterNodes cluster, String workspaceId) {
    return cluster.pool().preparedQuery("SELECT count(*) FROM job WHERE workspace_id = $1 AND status = 'running'")
        .execute(Tuple.of(workspaceId)).await().iterator().next().getLong(0);
  }

  /** The workspace's edges as (source title, target title, type, method, confidence to 3 places). */
  private static Set<String> edges(ClusterNodes cluster, Api api) {
    String workspaceId = api.get("/workspace").bodyAsJsonObject().getString("workspace_id");
    Set<String> out = new TreeSet<>();
    cluster.pool().preparedQuery("""
            SELECT s.title, t.title, r.relationship_type, r.discovery_method, r.confidence
            FROM memory_relationship r
            JOIN memory s ON s.workspace_id = r.workspace_id AND s.memory_id = r.source_memory_id
            JOIN memory t ON t.workspace_id = r.workspace_id AND t.memory_id = r.target_memory_id
            WHERE r.workspace_id = $1""").execute(Tuple.of(workspaceId)).await()
        .forEach(r -> out.add(String.format("%s -> %s %s %s %.3f", r.getString(0), r.getString(1), r.getString(2),
            r.getString(3), r.getDouble(4))));
    return out;
  }
}
