package dev.mnemograph.benchmark;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.node.Mnemograph;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Capture and recall on coding-chats-dev (../shared/data/coding-chats-dev, its README): each of the 48 chats (8
 * that decide a project rule, 40 decoys on the same library) goes in as an agent session, its turns as
 * observations ({@code user_prompt} / {@code assistant_message}), then the session is ended and extraction makes
 * the memories. Each task's bug report is then searched: a hit is a memory of the deciding session. Compared in the
 * same run with storing each chat by hand as one memory (title: its first user turn; narrative: the whole chat)
 * in a workspace of its own.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark verify -pl integration-tests -am -Dtest=CodingChatsBenchmark} (about a minute).
 */
@Tag("benchmark")
class CodingChatsBenchmark {
  private record Chat(String label, List<JsonObject> turns) {
    String asText() {
      StringBuilder t = new StringBuilder();
      turns.forEach(turn -> t.append("user".equals(turn.getString("role")) ? "User: " : "Assistant: ")
          .append(turn.getString("text")).append('\n'));
      return t.toString().strip();
    }

    String firstUserTurn() {
      return turns.stream().filter(t -> "user".equals(t.getString("role"))).findFirst().orElseThrow().getString("text");
    }
  }

  private static Path dataDir() {
    return Path.of(System.getProperty("mnemograph.repo", "..")).resolve("../shared/data/coding-chats-dev").normalize();
  }

  private static List<JsonObject> lines(String file) throws IOException {
    return Files.readAllLines(dataDir().resolve(file)).stream().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
  }

  @Test
  void deciding_sessions_found_by_their_bug_reports_extracted_against_stored_by_hand() throws Exception {
    List<JsonObject> tasks = lines("tasks.jsonl");
    List<Chat> chats = new ArrayList<>();
    for (JsonObject t : tasks) {
      chats.add(new Chat(t.getString("task_id"), turns(t.getJsonArray("chats").getJsonArray(0))));
    }
    for (JsonObject d : lines("decoys.jsonl")) {
      chats.add(new Chat("decoy: " + d.getString("topic"), turns(d.getJsonArray("turns"))));
    }
    AppConfig config = AppConfig.fromJson(new JsonObject()
        .put(AppConfig.HTTP_PORT, 0)
        .put(AppConfig.DATA_DIR, Path.of("target", "bench-data", UUID.randomUUID().toString()).toString()));
    try (Mnemograph service = Mnemograph.start(config)) {
      WebClient http = WebClient.create(service.vertx(),
          new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
      WorkspaceRepository workspaces = new WorkspaceRepository(service.pool());
      String extractedKey = workspaces.createWorkspace("chats-extracted-" + UUID.randomUUID(), "bench").await().key();
      String byHandKey = workspaces.createWorkspace("chats-by-hand-" + UUID.randomUUID(), "bench").await().key();

      // the extracted side: one session per chat, ended as the plugin ends it
      List<String> sessionIds = new ArrayList<>();
      List<Long> endedAt = new ArrayList<>();
      for (int c = 0; c < chats.size(); c++) {
        String sessionId = "sess-bench-" + c;
        sessionIds.add(sessionId);
        ok(post(http, extractedKey, "/sessions/start", new JsonObject().put("session_id", sessionId)
            .put("project_name", "boltons")), 201);
        JsonArray observations = new JsonArray();
        List<JsonObject> turns = chats.get(c).turns();
        for (int i = 0; i < turns.size(); i++) {
          observations.add(new JsonObject().put("observation_id", sessionId + "-" + i).put("session_id", sessionId)
              .put("observed_at", OffsetDateTime.of(2026, 11, 1 + c % 28, 9, 0, 0, 0, ZoneOffset.UTC).plusSeconds(i)
                  .toString())
              .put("category", "user".equals(turns.get(i).getString("role")) ? "user_prompt" : "assistant_message")
              .put("content", turns.get(i).getString("text")));
        }
        ok(post(http, extractedKey, "/observations/batch", new JsonObject().put("observations", observations)), 200);
        ok(post(http, extractedKey, "/sessions/" + sessionId + "/end", new JsonObject()), 200);
        endedAt.add(System.nanoTime());
      }
      long lastEnd = endedAt.get(endedAt.size() - 1);
      long extracted = awaitNothingPending(http, extractedKey);
      LocomoIngest.awaitEmbedded(http, extractedKey, Duration.ofMinutes(10));
      long embedded = System.nanoTime();

      // the by-hand side
      List<String> byHandIds = new ArrayList<>();
      for (Chat chat : chats) {
        JsonObject memory = new JsonObject().put("title", cut(chat.firstUserTurn(), 500)).put("narrative", chat.asText());
        byHandIds.add(ok(post(http, byHandKey, "/memories/store", memory), 201).getString("memory_id"));
      }
      LocomoIngest.awaitEmbedded(http, byHandKey, Duration.ofMinutes(10));
      JsonObject ws = LocomoIngest.workspace(http, extractedKey);

      System.out.printf("%ncoding-chats-dev: %d chats (%d deciding, %d decoys), %d turns%n", chats.size(), tasks.size(),
          chats.size() - tasks.size(), chats.stream().mapToInt(c -> c.turns().size()).sum());
      System.out.printf("extraction: %d memories from %d sessions; after the last /end: all extracted (keyword-"
              + "searchable) in %.1f s, all embedded in %.1f s%n", ws.getLong("memory_count"), chats.size(),
          (extracted - lastEnd) / 1e9, (embedded - lastEnd) / 1e9);
      int[] hitsExtracted = new int[2];
      int[] hitsByHand = new int[2];
      System.out.printf("%-24s %-12s %-12s%n", "task", "extracted", "by hand");
      for (int t = 0; t < tasks.size(); t++) {
        String query = tasks.get(t).getString("bug_report");
        int rankExtracted = rank(search(http, extractedKey, query), "source_session_id", sessionIds.get(t));
        int rankByHand = rank(search(http, byHandKey, query), "memory_id", byHandIds.get(t));
        count(hitsExtracted, rankExtracted);
        count(hitsByHand, rankByHand);
        System.out.printf("%-24s %-12s %-12s%n", chats.get(t).label(), rankText(rankExtracted), rankText(rankByHand));
      }
      System.out.printf("hit@1 / hit@5: extracted %.2f / %.2f; stored by hand %.2f / %.2f (%d tasks)%n",
          hitsExtracted[0] / (double) tasks.size(), hitsExtracted[1] / (double) tasks.size(),
          hitsByHand[0] / (double) tasks.size(), hitsByHand[1] / (double) tasks.size(), tasks.size());
    }
  }

  private static List<JsonObject> turns(JsonArray turns) {
    return turns.stream().map(JsonObject.class::cast).toList();
  }

  private static HttpResponse<Buffer> post(WebClient http, String key, String path, JsonObject body) {
    return http.post("/api/v1" + path).putHeader("Authorization", "Token " + key).sendJsonObject(body).await();
  }

  private static JsonObject ok(HttpResponse<Buffer> res, int status) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private static long awaitNothingPending(WebClient http, String key) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject insight = http.get("/api/v1/workspaces/mine/insight").putHeader("Authorization", "Token " + key)
          .send().await().bodyAsJsonObject();
      if (insight.getInteger("pending_observations") == 0) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("observations still pending after 10 minutes");
  }

  private static JsonArray search(WebClient http, String key, String query) {
    return ok(post(http, key, "/memories/search", new JsonObject().put("query", cut(query, 4000)).put("limit", 5)), 200)
        .getJsonArray("results");
  }

  /** The rank (1-based) of the first result whose memory has {@code field} = {@code value}, or 0. */
  private static int rank(JsonArray results, String field, String value) {
    for (int i = 0; i < results.size(); i++) {
      if (value.equals(results.getJsonObject(i).getJsonObject("memory").getString(field))) {
        return i + 1;
      }
    }
    return 0;
  }

  private static void count(int[] hits, int rank) {
    hits[0] += rank == 1 ? 1 : 0;
    hits[1] += rank >= 1 && rank <= 5 ? 1 : 0;
  }

  private static String rankText(int rank) {
    return rank == 0 ? "-" : "#" + rank;
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
