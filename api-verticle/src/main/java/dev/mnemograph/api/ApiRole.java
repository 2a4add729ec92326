package dev.mnemograph.api;

import dev.mnemograph.node.Role;
import dev.mnemograph.workspace.ApiKeyCache;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

/** The API role: the HTTP API and MCP ({@link ApiVerticle}); it never loads the embedding model. */
public final class ApiRole implements Role {
  @Override
  public String name() {
    return "api";
  }

  @Override
  public int startOrder() {
    return 2;
  }

  @Override
  public Future<Optional<Integer>> start(Vertx vertx, Node node) {
    ApiKeyCache keys = new ApiKeyCache(new WorkspaceRepository(node.pool()), node.config().keyCacheTtl());
    ApiVerticle api = new ApiVerticle(node.config(), node.pool(), keys, node.health(), node.metrics());
    return vertx.deployVerticle(api).map(id -> Optional.of(api.port()));
  }
}
