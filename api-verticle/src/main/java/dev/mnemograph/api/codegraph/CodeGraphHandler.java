package dev.mnemograph.api.codegraph;

import dev.mnemograph.api.auth.TokenAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.respond;

/**
 * POST /code-graph/sync: a code parser's symbols, kept per file (answered 202, as Neuroloom's plugin reads no
 * more than the status). Symbols without a file or a name are counted and left out; edges are counted.
 */
public final class CodeGraphHandler {
  private final CodeGraphRepository symbols;

  public CodeGraphHandler(Pool pool) {
    this.symbols = new CodeGraphRepository(pool);
  }

  public void sync(RoutingContext rc) {
    JsonObject b = body(rc);
    JsonArray items = b.getJsonArray("symbols", new JsonArray());
    List<CodeSymbol> kept = new ArrayList<>(items.size());
    Set<String> files = new LinkedHashSet<>();
    int rejected = 0;
    for (Object item : items) {
      CodeSymbol s = CodeSymbol.of(item);
      if (s == null) {
        rejected++;
      } else {
        kept.add(s);
        files.add(s.filePath());
      }
    }
    List<String> deleted = b.getJsonArray("deleted_files", new JsonArray()).stream()
        .map(f -> String.valueOf(f).replace('\0', '\uFFFD')).toList();
    int refused = rejected;
    respond(rc, 202, symbols.sync(TokenAuth.workspaceId(rc), List.copyOf(files), deleted, kept)
        .map(n -> new JsonObject().put("files", files.size()).put("symbols", n).put("symbols_rejected", refused)
            .put("deleted_files", deleted.size()).put("edges", b.getJsonArray("edges", new JsonArray()).size())));
  }
}
