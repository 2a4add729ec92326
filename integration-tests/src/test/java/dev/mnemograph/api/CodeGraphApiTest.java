package dev.mnemograph.api;

import dev.mnemograph.support.Api;
import dev.mnemograph.support.TestService;
import dev.mnemograph.workspace.ApiKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * POST /code-graph/sync with a parser's output as Neuroloom's plugin sends it (codeweaver's schema 1.0): the
 * symbols kept per file, a file sent again replaced, a deleted file's symbols gone, another workspace untouched.
 */
class CodeGraphApiTest {

  private static JsonObject symbol(String file, String qualified, int line) {
    return new JsonObject().put("file_path", file).put("language", "python").put("name", qualified
            .substring(qualified.lastIndexOf('.') + 1)).put("qualified_name", qualified).put("symbol_type", "function")
        .put("line_start", line).put("line_end", line + 5);
  }

  private static JsonObject sync(Api api, JsonObject body) {
    HttpResponse<Buffer> res = api.post("/code-graph/sync", body);
    assertEquals(202, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  private static List<String> symbols(String workspaceKey) {
    List<String> out = new ArrayList<>();
    for (Row r : TestService.get().pool().preparedQuery("""
            SELECT s.file_path || ':' || s.qualified_name FROM code_symbol s
            JOIN api_key k ON k.workspace_id = s.workspace_id AND k.key_hash = $1
            ORDER BY 1""").execute(Tuple.of(ApiKeys.hash(workspaceKey))).await()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Test
  void a_parsers_symbols_are_kept_per_file_replaced_when_sent_again_and_dropped_with_their_file() {
    Api api = Api.newWorkspace("code-graph");
    Api other = Api.newWorkspace("code-graph-other");
    sync(other, new JsonObject().put("symbols", new JsonArray().add(symbol("src/db/pool.py", "db.pool.theirs", 1))));

    JsonObject first = sync(api, new JsonObject().put("schema_version", "1.0").put("file_count", 2)
        .put("symbols", new JsonArray()
            .add(symbol("src/db/pool.py", "db.pool.open_pool", 3))
            .add(symbol("src/db/pool.py", "db.pool.close_pool", 12))
            .add(new JsonObject().put("file", "src/app.py").put("name", "main").put("line_start", 1))
            .add(new JsonObject().put("name", "no_file"))
            .add(new JsonObject().put("file_path", "src/x.py").put("line_start", 1)))
        .put("edges", new JsonArray().add(new JsonObject().put("edge_type", "calls")
            .put("source_qualified_name", "main").put("target_qualified_name", "db.pool.open_pool")))
        .put("deleted_files", new JsonArray()).put("parse_errors", new JsonArray()));

    assertEquals(new JsonObject().put("files", 2).put("symbols", 3).put("symbols_rejected", 2).put("deleted_files", 0)
        .put("edges", 1), first);
    assertEquals(List.of("src/app.py:main", "src/db/pool.py:db.pool.close_pool", "src/db/pool.py:db.pool.open_pool"),
        symbols(api.key()));

    // pool.py edited (close_pool renamed), app.py deleted
    sync(api, new JsonObject().put("symbols", new JsonArray().add(symbol("src/db/pool.py", "db.pool.open_pool", 3))
        .add(symbol("src/db/pool.py", "db.pool.release", 12))).put("deleted_files", new JsonArray().add("src/app.py")));

    assertEquals(List.of("src/db/pool.py:db.pool.open_pool", "src/db/pool.py:db.pool.release"), symbols(api.key()));
    assertEquals(List.of("src/db/pool.py:db.pool.theirs"), symbols(other.key()));
  }
}
