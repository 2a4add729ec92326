package dev.mnemograph.worker;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.jobs.JobSettings;
import dev.mnemograph.node.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

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
  public Future<Optional<Integer>> start(Vertx vertx, AppConfig config, Pool pool, JobSettings jobSettings) {
    return vertx.deployVerticle(new WorkerVerticle(config, pool, jobSettings)).map(id -> Optional.empty());
  }
}
