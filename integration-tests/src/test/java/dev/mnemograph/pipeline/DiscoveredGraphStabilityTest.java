package dev.mnemograph.pipeline;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The discovered graph is a function of the memories: the same memories give the same edges whatever order
 * they were stored, edited or deleted in. Fourteen memories on one topic, each with more candidates than the
 * ten it may choose per method (and many equal file and concept overlaps), so the choices really bind.
 */
class DiscoveredGraphStabilityTest {
  private static final int COUNT = 14;
  private static final String[] SENTENCES = {
      "The service reaches PostgreSQL through a bounded connection pool.",
      "Pool size is about twice the database server's cores.",
      "Leaked connections exhausted the pool and requests timed out.",
      "Transactions are closed in a finally block so connections return to the pool.",
      "The pool's wait timeout is two seconds before a request fails fast.",
      "Health checks borrow a pooled connection and run SELECT 1."};
  private static final String[] FILES = {"db/pool.py", "db/session.py", "api/deps.py", "settings.py", "db/health.py"};
  private static final String[] CONCEPTS = {"connection-pooling", "postgresql", "timeouts", "reliability"};

  /** The i-th memory: its title, a narrative of three of the sentences, files and concepts by simple rules. */
  private static JsonObject memory(int i) {
    return new JsonObject()
        .put("title", "Database pooling note " + (char) ('A' + i))
        .put("narrative", SENTENCES[i % 6] + " " + SENTENCES[(i + 1) % 6] + " " + SENTENCES[(i * 5 + 3) % 6])
        .put("source_files", new JsonArray(List.of(FILES[i % 5], FILES[(i / 2) % 5])))
        .put("concepts", new JsonArray(List.of(CONCEPTS[i % 4], CONCEPTS[(i / 3) % 4])));
  }

  private static JsonObject draft(int i) {
    return new JsonObject().put("title", "Draft " + i).put("narrative", "Lunch plans for week " + i + " at the canteen.")
        .put("source_files", new JsonArray(List.of("misc/notes-" + i + ".md")));
  }

  /** The workspace's discovered edges as (source title, target title, type, confidence to 4 places). */
  private static Set<String> edges(Api api) {
    String workspaceId = api.get("/workspace").bodyAsJsonObject().getString("workspace_id");
    Set<String> out = new TreeSet<>();
    TestService.get().pool().preparedQuery("""
            SELECT s.title, t.title, r.relationship_type, r.discovery_method, r.confidence, r.is_bidirectional
            FROM memory_relationship r
            JOIN memory s ON s.workspace_id = r.workspace_id AND s.memory_id = r.source_memory_id
            JOIN memory t ON t.workspace_id = r.workspace_id AND t.memory_id = r.target_memory_id
            WHERE r.workspace_id = $1 AND r.discovery_method <> 'manual'""")
        .execute(Tuple.of(workspaceId)).await()
        .forEach(r -> out.add(r.getString(0) + " -> " + r.getString(1) + " " + r.getString(2) + "/" + r.getString(3)
            + " " + String.format("%.4f", r.getDouble(4)) + (r.getBoolean(5) ? " both ways" : "")));
    return out;
  }

  private static List<String> store(Api api, List<JsonObject> memories) {
    List<String> ids = new ArrayList<>();
    memories.forEach(m -> ids.add(api.store(m).getString("memory_id")));
    return ids;
  }

  @Test
  void the_same_memories_give_the_same_edges_whatever_the_order_of_stores_edits_and_deletes() {
    List<JsonObject> memories = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      memories.add(memory(i));
    }

    Api inOrder = Api.newWorkspace("stable-in-order");
    List<String> first = store(inOrder, memories);

    Api reversed = Api.newWorkspace("stable-reversed");
    List<JsonObject> backwards = new ArrayList<>(memories);
    Collections.reverse(backwards);
    List<String> second = store(reversed, backwards);

    // Stored as unrelated drafts, then edited into the same memories in a shuffled order; one more memory
    // joins the graph and is deleted again.
    Api edited = Api.newWorkspace("stable-edited");
    List<JsonObject> drafts = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      drafts.add(draft(i));
    }
    List<String> third = store(edited, drafts);
    Jobs.awaitSettled(third, Duration.ofSeconds(120));
    String extra = edited.store(memory(3).put("title", "Database pooling note extra")).getString("memory_id");
    for (int k = 0; k < COUNT; k++) {
      int i = (k * 5) % COUNT;
      assertEquals(200, edited.patch("/memories/" + third.get(i), memory(i)).statusCode());
      if (k == COUNT / 2) {
        Jobs.awaitSettled(third, Duration.ofSeconds(120));   // half of the edits are discovered before the rest
      }
    }
    Jobs.awaitSettled(List.of(extra), Duration.ofSeconds(120));
    assertEquals(204, edited.delete("/memories/" + extra).statusCode());

    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    Jobs.awaitSettled(all, Duration.ofSeconds(180));

    Set<String> expected = edges(inOrder);
    assertTrue(expected.stream().filter(e -> e.contains("similar_to")).count() >= COUNT * 5L,
        "a dense graph: " + expected.size() + " edges");
    assertEquals(expected, edges(reversed));
    assertEquals(expected, edges(edited));
    long perChooser = TestService.get().pool().query("""
            SELECT max(n) FROM (SELECT count(*) AS n FROM memory_relationship
                                WHERE discovery_method <> 'manual'
                                GROUP BY source_memory_id, discovery_method) c""")
        .execute().await().iterator().next().getLong(0);
    assertEquals(10, perChooser, "relationships.max-similar (10) choices per memory and method, and they bind");
  }
}
