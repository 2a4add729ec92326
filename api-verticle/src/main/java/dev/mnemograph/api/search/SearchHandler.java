package dev.mnemograph.api.search;

import dev.mnemograph.api.auth.TokenAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.respond;
import static dev.mnemograph.api.openapi.Requests.strings;

/** POST /memories/search: the validated body as a {@link SearchQuery} for the caller's workspace. */
public final class SearchHandler {
  private final SearchService search;

  public SearchHandler(SearchService search) {
    this.search = search;
  }

  public void search(RoutingContext rc) {
    respond(rc, 200, search.search(TokenAuth.workspaceId(rc), query(body(rc))).map(SearchResults::toJson));
  }

  static SearchQuery query(JsonObject b) {
    return new SearchQuery(b.getString("query"), strings(b, "memory_types"), strings(b, "tags"),
        strings(b, "tag_prefixes"), strings(b, "source_files"), b.getDouble("min_importance"),
        b.getInteger("limit", SearchQuery.DEFAULT_LIMIT), b.getBoolean("use_semantic", true),
        b.getBoolean("use_keyword", true), b.getBoolean("explain", false));
  }
}
