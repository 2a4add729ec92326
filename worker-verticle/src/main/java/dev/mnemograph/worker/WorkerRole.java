package dev.mnemograph.worker;

import dev.mnemograph.node.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Optional;

/** The worker role: embeddings, relationship discovery and the graph analysis ({@link WorkerVerticle}). */
public final class WorkerRole implements Role {
  @Override
  public String name() {
    return "worker";
  }

  @Override
  public int startOrder() {
    return 1;
  }

  @Override
  public Future<Optional<Integer>> start(Vertx vertx, Node node) {
    return vertx.deployVerticle(new WorkerVerticle(node.config(), node.pool(), node.metrics(),
        node.roles().contains("api") ? null : node.health())).map(id -> Optional.empty());
  }
}
