package dev.mnemograph.api;

import dev.mnemograph.search.SearchQuery;
import dev.mnemograph.search.SearchResults;
import dev.mnemograph.search.SearchService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.MemoryHandler.body;
import static dev.mnemograph.api.MemoryHandler.respond;
import static dev.mnemograph.api.MemoryHandler.strings;

/** POST /memories/search: the validated body as a {@link SearchQuery} for the caller's workspace. */
public final class SearchHandler {
  private final SearchService search;

  public SearchHandler(SearchService search) {
    this.search = search;
  }

  void search(RoutingContext rc) {
    respond(rc, 200, search.search(TokenAuth.workspaceId(rc), query(body(rc))).map(SearchResults::toJson));
  }

  static SearchQuery query(JsonObject b) {
    return new SearchQuery(b.getString("query"), strings(b, "memory_types"), strings(b, "tags"),
        strings(b, "tag_prefixes"), strings(b, "source_files"), b.getDouble("min_importance"),
        b.getInteger("limit", SearchQuery.DEFAULT_LIMIT), b.getBoolean("use_semantic", true),
        b.getBoolean("use_keyword", true), b.getBoolean("explain", false));
  }
}
