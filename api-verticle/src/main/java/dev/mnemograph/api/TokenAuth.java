package dev.mnemograph.api;

import dev.mnemograph.workspace.ApiKeyCache;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * {@code Authorization: Token <key>}, as the contract's apiKey scheme. The authenticated user's subject
 * is the key's workspace id; a Bearer, missing, unknown or revoked key is a 401 (a revoked one within the
 * key cache's TTL, {@link ApiKeyCache}).
 */
public final class TokenAuth {
  private static final String SCHEME = "Token ";

  private TokenAuth() {
  }

  public static APIKeyHandler handler(ApiKeyCache keys) {
    AuthenticationProvider provider = credentials -> keys
        .workspaceOfKey(((TokenCredentials) credentials).getToken())
        .compose(ws -> ws.map(id -> Future.succeededFuture(User.fromName(id)))
            .orElseGet(() -> Future.failedFuture(new HttpException(401, "Invalid or revoked API key."))));
    return APIKeyHandler.create(provider).header("Authorization").tokenExtractor(header -> {
      if (header.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) && header.length() > SCHEME.length()) {
        return Future.succeededFuture(header.substring(SCHEME.length()).trim());
      }
      return Future.failedFuture(new HttpException(401,
          "Use 'Authorization: Token <api-key>'; other schemes such as Bearer are not accepted."));
    });
  }

  /** The workspace every query of this request is confined to. */
  public static String workspaceId(RoutingContext rc) {
    return rc.user().subject();
  }
}
