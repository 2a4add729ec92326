package dev.mnemograph.benchmark;

import dev.mnemograph.api.ui.WebUi;
import dev.mnemograph.memory.Relationship;
import dev.mnemograph.support.Chromium;
import dev.mnemograph.support.Commands;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.NewApiKey;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The web UI in headless Chromium on a workspace of 2,000 memories and 6,000 relationships (src/test/ui-browser/
 * bench.mjs): the time from pressing sign-in to the first list shown, the Graph view's first draw (from opening
 * the view: the library, GET /memories/graph?max_nodes=2000 and the first frame), frames per second while the
 * layout runs and while panning, and the bytes each step transferred (gzip).
 *
 * <p>The graph: 20 communities of 100 memories, each memory with 3 relationships, 2 inside its community and 1
 * to any memory, of a random type, confidence 0.3..1; random PageRank. Rows go in by SQL (no embedding, no
 * discovery, no graph analysis). {@code ./mvnw -Pbenchmark verify -pl integration-tests -Dtest=UiBenchmark};
 * {@code -Dbench.ui.memories=N} changes the size, {@code -Dbench.ui.runs=N} the runs (fresh browser contexts).
 */
@Tag("benchmark")
class UiBenchmark {
  private static final int MEMORIES = Integer.getInteger("bench.ui.memories", 2_000);
  private static final int COMMUNITIES = 20;
  private static final int EDGES_PER_MEMORY = 3;
  private static final Path SCRIPTS = Path.of("src", "test", "ui-browser");
  private static final Path OUTPUT = Path.of("target", "ui-benchmark");

  @Test
  void the_graph_view_of_2000_memories_in_headless_chromium() throws Exception {
    Path chromium = Chromium.require();
    NewApiKey key = TestService.newWorkspace("bench-ui");
    insert(TestService.get().pool(), key.workspace().workspaceId());
    Commands.npmCi(SCRIPTS, OUTPUT);

    JsonObject result = Commands.lastJsonLine(Commands.run(SCRIPTS, OUTPUT, Duration.ofMinutes(8), Map.of(
        "CHROMIUM", chromium.toString(), "UI_KEY", key.key(), "RUNS", Integer.getInteger("bench.ui.runs", 3).toString(),
        "UI_URL", "http://127.0.0.1:" + TestService.get().httpPort() + WebUi.PATH), "node", "bench.mjs"));

    System.out.printf("%nUiBenchmark: %d memories, %d relationships, headless Chromium (%s)%n", MEMORIES,
        MEMORIES * EDGES_PER_MEMORY, chromium);
    System.out.printf("%-4s %14s %12s %10s %10s %10s %9s %12s %12s %14s%n", "run", "sign-in→list", "first draw",
        "data", "nodes", "edges", "layout", "pan fps", "shell bytes", "graph bytes");
    int i = 1;
    for (Object o : result.getJsonArray("runs")) {
      JsonObject r = (JsonObject) o;
      System.out.printf("%-4d %11d ms %9d ms %7d ms %10d %10d %5.1f fps %8.1f fps %6d + %4d %7d + %6d%n", i++,
          r.getLong("signInToListMs"), r.getLong("firstDrawMs"), r.getLong("dataMs"), r.getLong("drawnNodes"),
          r.getLong("drawnEdges"), r.getDouble("layoutFps"), r.getDouble("panFps"),
          r.getJsonObject("shell").getLong("static"), r.getJsonObject("list").getLong("api"),
          r.getJsonObject("graph").getLong("static"), r.getJsonObject("graph").getLong("api"));
    }
    System.out.println(result.encode());
  }

  private static String id(int i) {
    return String.format("mem-ui%014d", i);
  }

  private static void insert(Pool pool, String ws) {
    Random random = new Random(42);
    String[] ids = new String[MEMORIES];
    String[] titles = new String[MEMORIES];
    String[] labels = new String[MEMORIES];
    Double[] pageranks = new Double[MEMORIES];
    int perCommunity = MEMORIES / COMMUNITIES;
    for (int i = 0; i < MEMORIES; i++) {
      ids[i] = id(i);
      titles[i] = "Note " + i + " on topic " + i / perCommunity;
      labels[i] = "topic-" + i / perCommunity;
      pageranks[i] = random.nextDouble() / MEMORIES;
    }
    pool.preparedQuery("""
            INSERT INTO memory (memory_id, workspace_id, title, narrative, memory_type, pagerank_score, community_label)
            SELECT id, $1, title, 'A note for the UI benchmark.', 'discovery', pr, label
            FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[]) AS r(id, title, pr, label)""")
        .execute(Tuple.of(ws).addArrayOfString(ids).addArrayOfString(titles).addArrayOfDouble(pageranks)
            .addArrayOfString(labels)).await();
    List<String> sources = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<Double> confidences = new ArrayList<>();
    for (int i = 0; i < MEMORIES; i++) {
      int community = i / perCommunity;
      for (int k = 0; k < EDGES_PER_MEMORY; k++) {
        int target = k < 2 ? community * perCommunity + random.nextInt(perCommunity) : random.nextInt(MEMORIES);
        if (target == i) {
          target = (target + 1) % MEMORIES;
        }
        sources.add(id(i));
        targets.add(id(target));
        types.add(Relationship.TYPES.get(random.nextInt(Relationship.TYPES.size())));
        confidences.add(0.3 + 0.7 * random.nextDouble());
      }
    }
    long edges = pool.preparedQuery("""
            INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                             discovery_method, confidence, is_bidirectional)
            SELECT $1, s, t, ty, 'manual', c, false
            FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS r(s, t, ty, c)
            ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(ws).addArrayOfString(sources.toArray(String[]::new))
            .addArrayOfString(targets.toArray(String[]::new)).addArrayOfString(types.toArray(String[]::new))
            .addArrayOfDouble(confidences.toArray(Double[]::new)))
        .await().rowCount();
    System.out.printf("%d memories, %d relationships inserted%n", MEMORIES, edges);
  }
}
