package dev.mnemograph.api.ui;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.Chromium;
import dev.mnemograph.support.Commands;
import dev.mnemograph.support.GraphRuns;
import dev.mnemograph.support.Jobs;
import dev.mnemograph.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web UI in headless Chromium (playwright-core, src/test/ui-browser/ui.mjs) against the real service on the
 * test database, as a person uses it: a wrong key, signing in, the list, search with its explanations, a detail
 * and a relationship followed, feedback, a tag edited, a memory deleted, the graph with every memory drawn and a
 * path, explore, the workspace, signing out; and a memory titled as an HTML injection stays text. Each step's
 * screenshot is in target/ui-browser/screenshots; {@code -Dui.docs=true} also writes the README's, docs/ui/.
 */
@Tag("slow")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WebUiBrowserTest {
  static final Path SCRIPTS = Path.of("src", "test", "ui-browser");
  static final Path OUTPUT = Path.of("target", "ui-browser");
  private static final String XSS_TITLE = "<img src=x onerror=alert(1)>";
  private static final String TAG = "ui-edited";

  @Test
  void a_person_signs_in_searches_edits_deletes_and_reads_the_graph_and_injected_html_stays_text() throws Exception {
    Path chromium = Chromium.require();
    Api api = Api.newWorkspace("ui-browser");
    Seeds seeds = seed(api);
    Commands.npmCi(SCRIPTS, OUTPUT);

    Map<String, String> env = new HashMap<>();
    env.put("CHROMIUM", chromium.toString());
    env.put("UI_URL", "http://127.0.0.1:" + TestService.get().httpPort() + WebUi.PATH);
    env.put("UI_KEY", api.key());
    env.put("UI_SHOTS", OUTPUT.resolve("screenshots").toAbsolutePath().toString());
    if (Boolean.getBoolean("ui.docs")) {
      env.put("UI_DOCS", Path.of("..", "docs", "ui").toAbsolutePath().normalize().toString());
    }
    env.put("UI_EXPECT", new JsonObject()
        .put("xssTitle", XSS_TITLE).put("searchQuery", "connection pool")
        .put("relFrom", seeds.memory(0)).put("relTo", seeds.memory(1))
        .put("pathFrom", seeds.id(0)).put("pathTo", seeds.id(2))
        .put("tagMemory", seeds.memory(3)).put("tag", TAG)
        .put("deleteMemory", seeds.memory(4)).put("filterType", "decision").encode());
    JsonObject seen = Commands.lastJsonLine(Commands.run(SCRIPTS, OUTPUT, Duration.ofMinutes(5), env, "node", "ui.mjs"));
    String all = seen.encodePrettily();

    assertEquals(new JsonArray(), seen.getJsonArray("failures"), all);
    assertEquals(new JsonArray(), seen.getJsonArray("dialogs"), "no script of a memory ran: " + all);
    // a wrong key: a clear message, still signed out
    assertTrue(seen.getString("wrongKeyMessage").startsWith("That key was not accepted"), all);
    // the list, the key in this tab only
    assertEquals(seeds.count(), seen.getInteger("listRows"), all);
    assertTrue(seen.getBoolean("keyInSessionStorage"), all);
    assertTrue(seen.getBoolean("xssListed"), "the injected title shows as its characters: " + all);
    assertEquals(0, seen.getInteger("imagesInList"), all);
    assertEquals(XSS_TITLE, seen.getString("xssDetailTitle"), all);
    assertEquals("<script>alert('narrative')</script>", seen.getString("xssDetailNarrative"), all);
    assertEquals(0, seen.getInteger("imagesInDetail"), all);
    assertTrue(seen.getJsonArray("cspViolations").stream().noneMatch(v -> v.toString().startsWith("script-src")), all);
    // keyboard
    assertEquals("Search", seen.getString("tabReaches"), all);
    assertTrue(seen.getBoolean("keyboardOpensSearch"), all);
    // search and why
    List<Object> found = seen.getJsonArray("searchTitles").getList();
    assertTrue(found.subList(0, 2).containsAll(List.of("PostgreSQL connection pool sizing",
        "Connection pool exhaustion incident")), all);
    JsonObject explain = seen.getJsonObject("explain");
    assertTrue(explain.getString("keyword").matches("keyword 0\\.\\d{3} = 0\\.3 × .*matched: .*"), all);
    assertTrue(explain.getString("semantic").matches("semantic 0\\.\\d{3} = 0\\.6 × 0\\.\\d{3} \\(cosine .*"), all);
    assertTrue(explain.getString("importance").matches("importance 0\\.\\d{3} = 0\\.1 × 0\\.\\d{2}"), all);
    assertEquals(3, explain.getInteger("barParts"), all);
    // a detail, its relationship followed both ways
    String outgoing = seen.getString("outgoingRow");
    assertNotNull(outgoing, all);
    assertTrue(outgoing.contains("depends_on") && outgoing.contains("0.90") && outgoing.contains("manual"), outgoing);
    assertEquals(seeds.title(1), seen.getString("followedTo"), all);
    assertNotNull(seen.getString("incomingRow"), all);
    // feedback, a tag, a deletion: in the database too
    assertEquals("1 useful, 0 not useful", seen.getString("feedbackAfter"), all);
    assertTrue(seen.getJsonArray("tagsShown").contains(TAG), all);
    assertTrue(api.get("/memories/" + seeds.id(3)).bodyAsJsonObject().getJsonArray("tags").contains(TAG));
    assertTrue(seen.getBoolean("confirmShown"), all);
    assertEquals(0, seen.getInteger("deletedStillListed"), all);
    assertEquals(404, api.get("/memories/" + seeds.id(4)).statusCode());
    // the graph: every memory of the workspace drawn, communities, a path with its reasons
    long memories = api.get("/workspace").bodyAsJsonObject().getLong("memory_count");
    JsonObject graph = seen.getJsonObject("graph");
    assertEquals(memories, graph.getLong("drawnNodes"), all);
    assertFalse(graph.getString("summary").contains("Partial"), all);
    assertTrue(graph.getInteger("legendItems") >= 1, all);
    JsonObject path = seen.getJsonObject("path");
    // (discovery may have linked the ends more directly than the manual 0 → 1 → 2)
    List<Object> onPath = path.getJsonArray("memories").getList();
    assertEquals(seeds.title(0), onPath.get(0), all);
    assertEquals(seeds.title(2), onPath.get(onPath.size() - 1), all);
    assertEquals(onPath.size() - 1, path.getJsonArray("edges").size(), all);
    assertTrue(path.getJsonArray("edges").stream().allMatch(e -> e.toString()
        .matches("[↓↑] [a-z_]+( \\(stored the other way, walked both ways\\))?, confidence [01]\\.\\d{2}")), all);
    assertTrue(seen.getInteger("graphFilteredNodes") < memories, all);
    assertTrue(seen.getJsonObject("explore").getInteger("drawnNodes") >= 1, all);
    // the workspace
    assertEquals(memories, seen.getJsonObject("workspace").getLong("memories"), all);
    assertEquals(List.of("embed", "discover_relationships", "extract_session"), seen.getJsonObject("workspace").getJsonArray("queueKinds").getList());
    // signing out forgets the key
    JsonObject out = seen.getJsonObject("signedOut");
    assertTrue(out.getBoolean("formShown") && !out.getBoolean("keyKept") && out.getBoolean("viewEmpty"), all);

    JsonObject w = seen.getJsonObject("weights");
    System.out.printf("%nWeb UI in headless Chromium: sign-in to the first list %d ms; graph of %d memories drawn %d ms"
            + " after the view opened%nbytes transferred (gzip) per view, static + API: sign-in %s, memories %s,"
            + " search %s, detail %s, graph %s, workspace %s%n",
        seen.getInteger("signInToListMs"), graph.getInteger("drawnNodes"), graph.getInteger("firstDrawMs"),
        weight(w, "signIn"), weight(w, "memories"), weight(w, "search"), weight(w, "detail"), weight(w, "graph"),
        weight(w, "workspace"));
  }

  private static String weight(JsonObject weights, String view) {
    JsonObject v = weights.getJsonObject(view);
    return v.getLong("static") + " + " + v.getLong("api");
  }

  /** The memories the script expects, by index; 0 → 1 → 2 is a path of manual relationships. */
  private record Seeds(List<JsonObject> memories, int count) {
    JsonObject memory(int i) {
      return new JsonObject().put("id", id(i)).put("title", title(i));
    }

    String id(int i) {
      return memories.get(i).getString("memory_id");
    }

    String title(int i) {
      return memories.get(i).getString("title");
    }
  }

  private static Seeds seed(Api api) {
    List<JsonObject> stored = new ArrayList<>();
    String[][] rows = {
        {"Checkout depends on the pricing service", "The checkout calls pricing for every cart.", "architecture", "0.7"},
        {"Pricing service caches rates for an hour", "Rates are cached in Redis with a one hour TTL.", "decision", "0.6"},
        {"Redis runs as a three node cluster", "The cache cluster has three nodes behind a proxy.", "architecture", "0.5"},
        {"Use snake_case for JSON fields", "Every API answers with snake_case field names.", "convention", "0.55"},
        {"Old deploy script notes", "The deploy script was replaced by the pipeline.", "general", "0.2"},
        {"PostgreSQL connection pool sizing", "Size the connection pool to twice the cores; more connections queue.",
            "pattern", "0.8"},
        {"Connection pool exhaustion incident", "The pool ran out of connections during the sale; raised the limit.",
            "incident", "0.65"},
        {"Retry failed payments with backoff", "Payments are retried three times with exponential backoff.",
            "decision", "0.6"},
    };
    for (String[] r : rows) {
      stored.add(api.store(new JsonObject().put("title", r[0]).put("narrative", r[1]).put("memory_type", r[2])
          .put("importance_score", Double.parseDouble(r[3]))
          .put("tags", new JsonArray().add(r[2]).add("seed"))));
    }
    stored.add(api.store(new JsonObject().put("title", XSS_TITLE)
        .put("narrative", "<script>alert('narrative')</script>").put("memory_type", "discovery")
        .put("importance_score", 0.95).put("tags", new JsonArray().add("<b>bold</b>"))));
    relate(api, stored.get(0), stored.get(1), "depends_on", 0.9);
    relate(api, stored.get(1), stored.get(2), "references", 0.8);
    Jobs.awaitSettled(stored.stream().map(m -> m.getString("memory_id")).toList(), Duration.ofSeconds(90));
    GraphRuns.awaitSettled(api);
    return new Seeds(stored, stored.size());
  }

  private static void relate(Api api, JsonObject from, JsonObject to, String type, double confidence) {
    int status = api.post("/memories/" + from.getString("memory_id") + "/relationships", new JsonObject()
        .put("target_memory_id", to.getString("memory_id")).put("relationship_type", type)
        .put("confidence", confidence)).statusCode();
    assertEquals(201, status);
  }
}
