package dev.mnemograph.worker.extraction;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a session's observations, read in the order they happened, into memories, without a language model
 * and deterministically (the same observations give the same memories, with the same keys):
 * <ul>
 *   <li>one session memory: what was asked, the conversation, the files written and the commands run and how
 *       they ended ({@code general}, tagged {@code session});</li>
 *   <li>one {@code decision} memory per exchange (a prompt and the replies up to the next prompt) that says
 *       something settled: a rule, a choice, an alternative turned down. These are what an agent cannot find
 *       again in the code;</li>
 *   <li>one {@code incident} per command that failed and later passed after files were changed: the error
 *       line and the files that fixed it.</li>
 * </ul>
 * Observations are fed one at a time ({@link #accept}) so that a session of ten thousand is never held
 * whole: what is kept is bounded (prompts and replies up to a budget, file and command names).
 */
public final class SessionExtractor {
  /** The conversation kept for the session memory and for exchanges, in characters. */
  static final int CONVERSATION_BUDGET = 24_000;
  static final int EXCHANGE_MAX = 4_000;
  static final int PROMPT_IN_LIST = 300;
  static final int TITLE_MAX = 120;
  static final int FILES_MAX = 50;
  static final int COMMANDS_MAX = 30;
  /** Exchanges looked at for decisions; a longer session's later ones live in its session memory only. */
  static final int EXCHANGES_MAX = 200;

  /** Words that say something was settled: a rule, a choice, a rejected alternative. */
  private static final Pattern SETTLED = Pattern.compile("(?i)\\b(decided|decision|we(?:'ll| will) (?:use|go with|keep"
      + "|stick)|let'?s (?:use|go with|keep|do|stick)|go(?:ing)? with|settled|agreed|the rule|rule is|policy|convention"
      + "|always|never|must(?:n't| not)?|do(?:n't| not)|instead of|rather than|reject(?:ed)?|won't|should(?:n't| not)"
      + "|from now on|on purpose|intended|intentional|deliberately|exactly|except|pinned|keep(?:s)? the)\\b");

  /** A line of command output that says it failed. */
  private static final Pattern ERROR_LINE = Pattern.compile("(?im)^.*(?:\\berror\\b|\\bfailed\\b|\\bfailure\\b"
      + "|exception|traceback|npm err!|\\bfatal\\b|cannot find|not found|undefined reference).*$");

  /** Output that means the command failed even when no exit code says so. */
  private static final Pattern FAILED_OUTPUT = Pattern.compile("(?m)BUILD FAILURE|^FAILED\\b|^FAIL\\b| FAILED$"
      + "|Traceback \\(most recent call last\\)|npm ERR!|^error(?:\\[\\w+])?:|\\d+ failed\\b|Tests run:.*Failures: [1-9]");

  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\n");

  private final String sessionId;
  private final List<String> prompts = new ArrayList<>();
  private final StringBuilder conversation = new StringBuilder();
  private final List<Exchange> exchanges = new ArrayList<>();
  private Exchange current;
  private final Set<String> written = new LinkedHashSet<>();
  private final Map<String, CommandRun> commands = new LinkedHashMap<>();
  private final List<Incident> incidents = new ArrayList<>();
  /** Files written since each failing command last failed: key → files. */
  private final Map<String, Set<String>> fixesSince = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private int observations;

  public SessionExtractor(String sessionId) {
    this.sessionId = sessionId;
  }

  /** One observation, in the session's order. */
  public void accept(String category, String content) {
    observations++;
    String kind = category == null ? "" : category.toLowerCase(Locale.ROOT);
    JsonObject json = parse(content);
    String event = json == null ? "" : json.getString("hook_event_name", "");
    if (kind.equals("user_prompt") || kind.equals("prompt") || event.equals("UserPromptSubmit")) {
      prompt(text(json, content, "prompt", "text", "message"));
    } else if (kind.equals("assistant_message") || kind.equals("assistant") || event.equals("Stop")) {
      reply(text(json, content, "message", "text", "last_assistant_message", "response"));
    } else if (json != null) {
      tool(json.getString("tool_name", category), json, event);
    }
  }

  private void prompt(String text) {
    if (text == null || text.isBlank()) {
      return;
    }
    if (prompts.size() < EXCHANGES_MAX) {
      prompts.add(cut(text.strip(), EXCHANGE_MAX));
    }
    current = exchanges.size() < EXCHANGES_MAX ? new Exchange(exchanges.size() + 1, prompts.get(prompts.size() - 1))
        : null;
    if (current != null) {
      exchanges.add(current);
    }
    converse("User", text);
  }

  private void reply(String text) {
    if (text == null || text.isBlank()) {
      return;
    }
    if (current == null && exchanges.size() < EXCHANGES_MAX) {
      current = new Exchange(exchanges.size() + 1, null);
      exchanges.add(current);
    }
    if (current != null && current.length < EXCHANGE_MAX) {
      String reply = cut(text.strip(), EXCHANGE_MAX - current.length);
      current.replies.add(reply);
      current.length += reply.length();
    }
    converse("Assistant", text);
  }

  private void converse(String who, String text) {
    if (conversation.length() < CONVERSATION_BUDGET) {
      String turn = who + ": " + text.strip() + "\n";
      conversation.append(turn, 0, Math.min(turn.length(), CONVERSATION_BUDGET - conversation.length()));
    }
  }

  private void tool(String tool, JsonObject hook, String event) {
    JsonObject input = hook.getValue("tool_input") instanceof JsonObject o ? o : new JsonObject();
    String cwd = hook.getString("cwd");
    switch (tool) {
      case "Write", "Edit", "MultiEdit", "NotebookEdit" -> {
        String file = relative(firstString(input, "file_path", "notebook_path", "path"), cwd);
        if (file != null) {
          if (written.size() < FILES_MAX) {
            written.add(file);
          }
          fixesSince.values().forEach(files -> files.add(file));
        }
      }
      case "Bash" -> command(input.getString("command"), hook, event);
      default -> { }
    }
  }

  private void command(String command, JsonObject hook, String event) {
    if (command == null || command.isBlank()) {
      return;
    }
    String key = command.strip().replaceAll("\\s+", " ");
    String output = output(hook);
    boolean failed = failed(hook, event, output);
    CommandRun run = commands.get(key);
    if (run == null && commands.size() < COMMANDS_MAX) {
      run = new CommandRun(key);
      commands.put(key, run);
    }
    if (run != null) {
      run.runs++;
      run.lastFailed = failed;
      run.everFailed |= failed;
    }
    if (failed) {
      failures.put(key, errorLine(output));
      fixesSince.put(key, new LinkedHashSet<>());
    } else if (failures.containsKey(key)) {
      Set<String> fixedBy = fixesSince.remove(key);
      String error = failures.remove(key);
      if (fixedBy != null && !fixedBy.isEmpty()) {
        incidents.add(new Incident(key, error, List.copyOf(fixedBy), current == null ? null : current.prompt));
      }
    }
  }

  private static String output(JsonObject hook) {
    StringBuilder out = new StringBuilder();
    Object response = hook.getValue("tool_response");
    if (response instanceof JsonObject r) {
      for (String field : List.of("stdout", "stderr", "output")) {
        if (r.getValue(field) instanceof String s) {
          out.append(s).append('\n');
        }
      }
    } else if (response instanceof String s) {
      out.append(s).append('\n');
    }
    if (hook.getValue("error") instanceof String s) {
      out.append(s).append('\n');
    }
    return out.toString();
  }

  private static boolean failed(JsonObject hook, String event, String output) {
    if (event.equals("PostToolUseFailure") || hook.getValue("error") instanceof String) {
      return true;
    }
    if (hook.getValue("tool_response") instanceof JsonObject r) {
      for (String field : List.of("exit_code", "exitCode", "returnCode", "return_code")) {
        if (r.getValue(field) instanceof Number n) {
          return n.intValue() != 0;
        }
      }
      if (Boolean.TRUE.equals(r.getValue("is_error"))) {
        return true;
      }
    }
    return FAILED_OUTPUT.matcher(output).find();
  }

  private static String errorLine(String output) {
    Matcher m = ERROR_LINE.matcher(output);
    String line = m.find() ? m.group() : output.strip().lines().findFirst().orElse("");
    return cut(line.strip(), 300);
  }

  /** The memories of everything accepted so far, keyed stably; empty when nothing worth keeping was seen. */
  public List<ExtractedMemory> memories(String projectName, String branchName) {
    List<ExtractedMemory> out = new ArrayList<>();
    if (prompts.isEmpty() && conversation.isEmpty() && written.isEmpty() && commands.isEmpty()) {
      return out;
    }
    out.add(sessionMemory(projectName, branchName));
    for (Exchange e : exchanges) {
      String text = e.text();
      if (SETTLED.matcher(text).find()) {
        out.add(new ExtractedMemory("exchange:" + e.number, title(e.prompt != null ? e.prompt : text), text,
            "decision", List.of("session-extract"), List.copyOf(written.stream().limit(10).toList()), 0.6));
      }
    }
    for (Incident i : incidents) {
      StringBuilder n = new StringBuilder("`").append(cut(i.command, 300)).append("` failed");
      if (!i.error.isEmpty()) {
        n.append(" with: ").append(i.error);
      }
      n.append("\nIt passed again after changes to: ").append(String.join(", ", i.fixedBy)).append('.');
      if (i.prompt != null) {
        n.append("\nWhile working on: ").append(cut(i.prompt, PROMPT_IN_LIST));
      }
      String title = "Fixed: " + cut(i.command, 60) + (i.error.isEmpty() ? " failing" : " — " + i.error);
      out.add(new ExtractedMemory("incident:" + i.command, cut(title, TITLE_MAX), n.toString(), "incident",
          List.of("session-extract"), i.fixedBy, 0.6));
    }
    return out;
  }

  private ExtractedMemory sessionMemory(String projectName, String branchName) {
    StringBuilder n = new StringBuilder();
    if (!conversation.isEmpty()) {
      n.append(conversation.toString().strip()).append("\n\n");
    } else if (!prompts.isEmpty()) {
      n.append("Asked:\n");
      prompts.forEach(p -> n.append("- ").append(cut(p, PROMPT_IN_LIST)).append('\n'));
      n.append('\n');
    }
    if (!written.isEmpty()) {
      n.append("Files changed: ").append(String.join(", ", written)).append('\n');
    }
    if (!commands.isEmpty()) {
      n.append("Commands:\n");
      commands.values().forEach(c -> n.append("- `").append(cut(c.command, 200)).append("` ").append(c.outcome())
          .append('\n'));
    }
    String where = projectName == null ? "" : " in " + projectName + (branchName == null ? "" : " (" + branchName + ")");
    String title = !prompts.isEmpty() ? title(prompts.get(0))
        : !written.isEmpty() ? "Session" + where + ": changed " + String.join(", ", written.stream().limit(3).toList())
        : "Session" + where + ": ran " + commands.keySet().iterator().next();
    List<String> tags = new ArrayList<>(List.of("session"));
    return new ExtractedMemory("session", cut(title, TITLE_MAX), n.toString().strip(), "general", tags,
        List.copyOf(written), 0.5);
  }

  /** How many observations were fed. */
  public int observations() {
    return observations;
  }

  public String sessionId() {
    return sessionId;
  }

  /** The first sentence, cut at a word. */
  static String title(String text) {
    String first = SENTENCE_END.split(text.strip(), 2)[0].strip();
    return cut(first.isEmpty() ? text.strip() : first, TITLE_MAX);
  }

  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int space = s.lastIndexOf(' ', max - 1);
    return s.substring(0, space > max / 2 ? space : max - 1) + "…";
  }

  private static JsonObject parse(String content) {
    if (content == null || content.isEmpty() || content.charAt(0) != '{') {
      return null;
    }
    try {
      return new JsonObject(content);
    } catch (DecodeException | ClassCastException e) {
      return null;   // cut at the size bound, or not JSON after all: only its text is used
    }
  }

  /** A conversation turn's text: a field of the hook's JSON, else the content as it is. */
  private static String text(JsonObject json, String content, String... fields) {
    if (json != null) {
      for (String f : fields) {
        if (json.getValue(f) instanceof String s) {
          return s;
        }
      }
      return null;
    }
    return content;
  }

  private static String firstString(JsonObject o, String... fields) {
    for (String f : fields) {
      if (o.getValue(f) instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }

  /** A path under the session's working directory, relative to it (memories hold repository paths). */
  static String relative(String path, String cwd) {
    if (path == null) {
      return null;
    }
    if (cwd != null && !cwd.isEmpty()) {
      String root = cwd.endsWith("/") ? cwd : cwd + "/";
      if (path.startsWith(root)) {
        return path.substring(root.length());
      }
    }
    return path;
  }

  /** A prompt and the replies up to the next prompt. */
  private static final class Exchange {
    final int number;
    final String prompt;
    final List<String> replies = new ArrayList<>();
    int length;

    Exchange(int number, String prompt) {
      this.number = number;
      this.prompt = prompt;
      this.length = prompt == null ? 0 : prompt.length();
    }

    String text() {
      StringBuilder t = new StringBuilder();
      if (prompt != null) {
        t.append("User: ").append(prompt).append('\n');
      }
      replies.forEach(r -> t.append("Assistant: ").append(r).append('\n'));
      return cut(t.toString().strip(), EXCHANGE_MAX);
    }
  }

  private static final class CommandRun {
    final String command;
    int runs;
    boolean lastFailed;
    boolean everFailed;

    CommandRun(String command) {
      this.command = command;
    }

    String outcome() {
      String times = runs > 1 ? " (" + runs + " runs)" : "";
      return (lastFailed ? "failed" : everFailed ? "failed, then passed" : "passed") + times;
    }
  }

  private record Incident(String command, String error, List<String> fixedBy, String prompt) {
  }
}
