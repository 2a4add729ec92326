package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.auth.KeyRateLimit;
import dev.mnemograph.api.memory.AccessEvents;
import dev.mnemograph.api.openapi.Operations;
import dev.mnemograph.node.Role;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * The API role: the HTTP API and MCP ({@link ApiVerticle}) on {@code http.instances} event loops sharing one
 * port; it never loads the embedding model.
 */
public final class ApiRole implements Role {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRole.class);

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
    ApiKeyCache keys = new ApiKeyCache(new WorkspaceRepository(node.pool()), node.config().keyCacheTtl(),
        new KeyRateLimit(node.config().rateLimitPerSecond(), node.config().rateLimitBurst()));
    int instances = node.config().httpInstances();
    int port = node.config().httpPort() == 0 ? freePort(node.config().httpHost()) : node.config().httpPort();
    AccessEvents accessEvents = new AccessEvents(vertx, node.pool()).start();
    return vertx.deployVerticle(
            () -> new ApiVerticle(node.config(), port, node.pool(), keys, accessEvents, node.health(), node.metrics()),
            new DeploymentOptions().setInstances(instances))
        .map(id -> {
          LOG.info("HTTP API listening on http://{}:{}{} ({} event loop{})", node.config().httpHost(), port,
              Operations.BASE_PATH, instances, instances == 1 ? "" : "s");
          return Optional.of(port);
        });
  }

  /**
   * Vert.x shares a port among instances by the port they ask for, and gives each instance asking for 0 a
   * free port of its own (the extra event loops would serve nobody): so 0 becomes one free port first.
   */
  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + host, e);
    }
  }
}
