package dev.mnemograph.node;

import dev.mnemograph.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.Optional;
import java.util.Set;

/**
 * What a process runs: the API ({@code api-verticle}) or the background workers ({@code worker-verticle}).
 * Each module registers its role in {@code META-INF/services/dev.mnemograph.node.Role}; the launcher finds
 * the roles on its classpath, so neither module imports the other: an API artifact without the worker module
 * has no worker role (and no embedding model), and both artifacts on one classpath run both roles.
 */
public interface Role {
  /** "api" or "worker". */
  String name();

  /** Lower starts first: the workers (they load the model) before the API, so that it answers with all up. */
  int startOrder();

  /** Deploys the role's verticles on the node's Vert.x; answers the HTTP port it listens on, if any. */
  Future<Optional<Integer>> start(Vertx vertx, Node node);

  /**
   * What a role gets from its node.
   *
   * @param roles  every role this process runs (the worker opens its own health port only without the API)
   * @param health  the node's health, served by the API, or by the workers' ops port on a worker node
   * @param metrics the node's meters, served at /metrics beside the health
   */
  record Node(AppConfig config, Pool pool, Set<String> roles, Health health, Metrics metrics) {
  }
}
