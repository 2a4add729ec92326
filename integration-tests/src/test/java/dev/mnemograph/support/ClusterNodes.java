package dev.mnemograph.support;

import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Production mode as an operator runs it: an API node and a worker node as separate JVMs ({@link NodeProcess})
 * on a Hazelcast cluster over loopback, against the database {@code mnemograph_cluster} of the real PostgreSQL
 * at {@value TestService#DATABASE_URL_ENV} (its own database, so that the test JVM's workers never take the
 * nodes' jobs). Gives a client of the API node and a pool on that database; closing stops every node started
 * and deletes the workspaces made here.
 */
public final class ClusterNodes implements AutoCloseable {
  private final Map<String, String> env;
  private final Map<String, Integer> hazelcastPorts;
  private final int apiPort;
  private final int opsPort;
  private final Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final WebClient http;
  /** The API node's client, its answers checked against the contract: one for all the workspaces made here. */
  private final WebClient api;
  private final Pool pool;
  private final List<Process> started = new ArrayList<>();
  private final List<String> workspaces = new ArrayList<>();

  public ClusterNodes(String databaseUrl) throws IOException {
    String url = databaseUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/mnemograph_cluster$1");
    apiPort = NodeProcess.freePort();
    opsPort = NodeProcess.freePort();
    hazelcastPorts = Map.of("api", NodeProcess.freePort(), "worker", NodeProcess.freePort());
    env = Map.of(
        "MNEMOGRAPH_DATABASE_URL", url,
        "MNEMOGRAPH_CLUSTER_MEMBERS", "127.0.0.1:" + hazelcastPorts.get("api") + ",127.0.0.1:"
            + hazelcastPorts.get("worker"),
        "MNEMOGRAPH_CLUSTER_NAME", "test-" + UUID.randomUUID(),
        "MNEMOGRAPH_HTTP_PORT", String.valueOf(apiPort),
        "MNEMOGRAPH_OPS_PORT", String.valueOf(opsPort));
    dir = Files.createTempDirectory("mnemograph-cluster");
    http = WebClient.create(vertx);
    api = ContractResponses.validating(vertx,
        WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(apiPort)));
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  /** Starts {@code serve --role api|worker} and waits until it is ready. */
  public Process start(String role) throws Exception {
    return start(role, Map.of());
  }

  /** As {@link #start(String)}, with more settings ({@code MNEMOGRAPH_...} variables) for this node. */
  public Process start(String role, Map<String, String> settings) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("MNEMOGRAPH_CLUSTER_PORT", String.valueOf(hazelcastPorts.get(role)));
    own.putAll(settings);
    return launch(dir, role, own, port(role));
  }

  /**
   * Another API node in the same cluster, on ports of its own (HTTP, cluster) and with a folder of its own
   * for its log; waits until it is ready and answers its HTTP port.
   */
  public int startAnotherApiNode() throws Exception {
    Path own = Files.createDirectories(dir.resolve("api-" + (started.size() + 1)));
    int httpPort = NodeProcess.freePort();
    Map<String, String> settings = new HashMap<>(env);
    settings.put("MNEMOGRAPH_HTTP_PORT", String.valueOf(httpPort));
    settings.put("MNEMOGRAPH_OPS_PORT", String.valueOf(NodeProcess.freePort()));
    settings.put("MNEMOGRAPH_CLUSTER_PORT", String.valueOf(NodeProcess.freePort()));
    launch(own, "api", settings, httpPort);
    return httpPort;
  }

  private Process launch(Path nodeDir, String role, Map<String, String> settings, int readyPort) throws Exception {
    Process node = NodeProcess.start(nodeDir, role, settings);
    started.add(node);
    NodeProcess.awaitReady(http, readyPort, node, NodeProcess.log(nodeDir, role));
    return node;
  }

  /** The API node's port, or the worker node's health and metrics port. */
  public int port(String role) {
    return "api".equals(role) ? apiPort : opsPort;
  }

  public Path log(String role) {
    return NodeProcess.log(dir, role);
  }

  /** A client whose requests go to the API node by default. */
  public WebClient http() {
    return http;
  }

  public Pool pool() {
    return pool;
  }

  /** A new workspace and its key, made as the CLI's {@code workspace create} does: straight in the database. */
  public Api newWorkspace(String label) {
    var created = new WorkspaceRepository(pool).createWorkspace(label + "-" + UUID.randomUUID(), "cluster-test")
        .await();
    workspaces.add(created.workspace().workspaceId());
    return new Api(api, created.key());
  }

  @Override
  public void close() throws Exception {
    try {
      for (Process node : started) {
        NodeProcess.stop(node);
      }
      for (String workspaceId : workspaces) {
        pool.preparedQuery("DELETE FROM workspace WHERE workspace_id = $1").execute(Tuple.of(workspaceId)).await();
      }
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
