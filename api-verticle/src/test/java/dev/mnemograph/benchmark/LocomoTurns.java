package dev.mnemograph.benchmark;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Dialogue turns of the LoCoMo development split (../shared/data/locomo-dev), as memories to store. */
final class LocomoTurns {
  record Turn(String conversation, String diaId, String speaker, String date, String text) {
    JsonObject asMemory() {
      return new JsonObject()
          .put("title", speaker + ", " + date)
          .put("narrative", text)
          .put("memory_type", "discovery");
    }
  }

  private LocomoTurns() {
  }

  static Path dataDir() {
    String repo = System.getProperty("mnemograph.repo", "..");
    return Path.of(repo).resolve("../shared/data/locomo-dev").normalize();
  }

  static List<Turn> load(int limit) throws IOException {
    List<Turn> turns = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dataDir())) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path file : files) {
      JsonObject root = new JsonObject(Files.readString(file));
      JsonObject conversation = root;
      String name = file.getFileName().toString().replace(".json", "");
      for (int session = 1; session < 200 && turns.size() < limit; session++) {
        JsonArray dialog = conversation.getJsonArray("session_" + session);
        if (dialog == null) {
          continue;
        }
        String date = conversation.getString("session_" + session + "_date_time", "");
        for (int i = 0; i < dialog.size() && turns.size() < limit; i++) {
          JsonObject t = dialog.getJsonObject(i);
          turns.add(new Turn(name, t.getString("dia_id"), t.getString("speaker"), date, t.getString("text")));
        }
      }
    }
    return turns;
  }
}
