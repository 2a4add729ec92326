package dev.mnemograph.worker.extraction;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionExtractorTest {
  private static final String CWD = "/home/dev/shop";

  /** What Neuroloom's plugin sends for a tool use: the whole PostToolUse payload. */
  private static String hook(String tool, JsonObject input, JsonObject response) {
    return new JsonObject().put("session_id", "4f1c-claude").put("transcript_path", "/tmp/t.jsonl").put("cwd", CWD)
        .put("hook_event_name", "PostToolUse").put("tool_name", tool).put("tool_input", input)
        .put("tool_response", response).encode();
  }

  private static String bash(String command, String stdout, int exitCode) {
    return hook("Bash", new JsonObject().put("command", command),
        new JsonObject().put("stdout", stdout).put("stderr", "").put("exit_code", exitCode));
  }

  private static String edit(String path) {
    return hook("Edit", new JsonObject().put("file_path", CWD + "/" + path).put("old_string", "a").put("new_string", "b"),
        new JsonObject().put("filePath", CWD + "/" + path));
  }

  private static Map<String, ExtractedMemory> extract(String[]... observations) {
    SessionExtractor e = new SessionExtractor("sess-1");
    for (String[] o : observations) {
      e.accept(o[0], o[1]);
    }
    return e.memories("shop", "main").stream().collect(Collectors.toMap(ExtractedMemory::key, Function.identity()));
  }

  @Test
  void aConversationBecomesASessionMemoryAndItsDecisionsDecisionMemories() {
    Map<String, ExtractedMemory> m = extract(
        new String[] {"user_prompt", "How should the client handle retries on 5xx?"},
        new String[] {"assistant_message", "We could retry every error, or only server errors."},
        new String[] {"user_prompt", "{\"prompt\": \"Let's retry only on 5xx, never on 4xx: a 4xx will not change.\"}"},
        new String[] {"assistant_message", "Agreed: retry 5xx with backoff, never 4xx."});

    ExtractedMemory session = m.get("session");
    assertEquals("general", session.memoryType());
    assertEquals("How should the client handle retries on 5xx?", session.title());
    assertTrue(session.narrative().contains("User: Let's retry only on 5xx, never on 4xx"), session.narrative());
    assertTrue(session.tags().contains("session"));

    ExtractedMemory decision = m.get("exchange:2");
    assertEquals("decision", decision.memoryType());
    assertTrue(decision.narrative().contains("Agreed: retry 5xx with backoff, never 4xx."));
    assertFalse(m.containsKey("exchange:1"), "a question with no settled answer is no decision: " + m.keySet());
  }

  @Test
  void aCommandThatFailedAndPassedAfterEditsIsAnIncidentAnchoredToTheFixedFiles() {
    Map<String, ExtractedMemory> m = extract(
        new String[] {"user_prompt", "Fix the failing checkout test"},
        new String[] {"Bash", bash("mvn  test", "[ERROR] CheckoutTest.total expected 25 but was 0\nBUILD FAILURE", 1)},
        new String[] {"Read", hook("Read", new JsonObject().put("file_path", CWD + "/src/Checkout.java"),
            new JsonObject().put("file", new JsonObject().put("content", "class Checkout {}")))},
        new String[] {"Edit", edit("src/Checkout.java")},
        new String[] {"Bash", bash("mvn test", "BUILD SUCCESS", 0)});

    ExtractedMemory incident = m.get("incident:mvn test");
    assertEquals("incident", incident.memoryType());
    assertEquals(List.of("src/Checkout.java"), incident.sourceFiles());
    assertTrue(incident.narrative().contains("[ERROR] CheckoutTest.total expected 25 but was 0"), incident.narrative());
    assertEquals(List.of("src/Checkout.java"), m.get("session").sourceFiles());
    assertTrue(m.get("session").narrative().contains("`mvn test` failed, then passed (2 runs)"), m.get("session").narrative());
  }

  @Test
  void aCommandThatKeepsFailingOrPassesWithoutEditsIsNoIncident() {
    Map<String, ExtractedMemory> m = extract(
        new String[] {"Bash", bash("npm test", "1 failed", 1)},
        new String[] {"Bash", bash("npm test", "ok", 0)},
        new String[] {"Bash", bash("make", "error: missing separator", 2)},
        new String[] {"Edit", edit("Makefile")},
        new String[] {"Bash", bash("make", "make: *** error: missing separator", 2)});
    assertEquals(List.of("session"), List.copyOf(m.keySet()));
  }

  @Test
  void theSameObservationsGiveTheSameMemories() {
    String[][] observations = {
        {"user_prompt", "Use Postgres advisory locks for the scheduler, not a lock table"},
        {"Write", hook("Write", new JsonObject().put("file_path", CWD + "/sched/lock.py").put("content", "x"),
            new JsonObject())},
        {"Bash", bash("pytest", "2 passed", 0)}};
    assertEquals(extract(observations), extract(observations));
    assertEquals(extract(observations).get("session").contentHash(), extract(observations).get("session").contentHash());
  }

  @Test
  void contentThatIsNotJsonOrWasCutIsKeptOutWithoutFailing() {
    Map<String, ExtractedMemory> m = extract(
        new String[] {"Bash", "{\"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"ls\"…[truncated"},
        new String[] {"unknown", "raw text"},
        new String[] {"user_prompt", "   "});
    assertTrue(m.isEmpty(), m.keySet().toString());
  }

  @Test
  void pathsUnderTheWorkingDirectoryAreKeptRelative() {
    assertEquals("src/a.py", SessionExtractor.relative("/home/dev/shop/src/a.py", "/home/dev/shop"));
    assertEquals("/etc/hosts", SessionExtractor.relative("/etc/hosts", "/home/dev/shop/"));
  }
}
