package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.codegraph.CodeGraphHandler;
import dev.mnemograph.api.graph.GraphHandler;
import dev.mnemograph.api.graph.GraphRepository;
import dev.mnemograph.api.graph.GraphService;
import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.api.mcp.MemoryTools;
import dev.mnemograph.api.memory.AccessEvents;
import dev.mnemograph.api.memory.MemoryHandler;
import dev.mnemograph.api.memory.MemoryService;
import dev.mnemograph.api.observations.ObservationHandler;
import dev.mnemograph.api.openapi.Operations;
import dev.mnemograph.api.sdlc.SdlcHandler;
import dev.mnemograph.api.search.HybridRanking;
import dev.mnemograph.api.search.QueryEmbeddings;
import dev.mnemograph.api.search.SearchHandler;
import dev.mnemograph.api.search.SearchRepository;
import dev.mnemograph.api.search.SearchService;
import dev.mnemograph.api.sessions.SessionHandler;
import dev.mnemograph.api.sessions.SessionRepository;
import dev.mnemograph.api.workspace.WorkspaceHandler;
import dev.mnemograph.api.workspace.WorkspaceInsightRepository;
import dev.mnemograph.config.AppConfig;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API. Event loop: validation, then non-blocking SQL on the node's shared pool. Deployed
 * {@code http.instances} times ({@link ApiRole}): each instance has an event loop of its own and its own
 * router and handlers (stateless), and Vert.x spreads the connections to the one port over them; the pool and
 * the {@link ApiKeyCache} are the node's, shared.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final AppConfig config;
  private final Pool pool;
  private final Health health;
  private final Metrics metrics;
  private final ApiKeyCache keys;
  private final AccessEvents accessEvents;
  private final int port;
  private HttpServer server;
  private McpEndpoint mcp;

  /** @param port the port to listen on (0: any free one), which may differ from the config's (see ApiRole) */
  public ApiVerticle(AppConfig config, int port, Pool pool, ApiKeyCache keys, AccessEvents accessEvents,
                     Health health, Metrics metrics) {
    this.config = config;
    this.port = port;
    this.keys = keys;
    this.accessEvents = accessEvents;
    this.pool = pool;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    MemoryRepository memoryRepository = new MemoryRepository(pool, config.retentionDays());
    MemoryService memories = new MemoryService(pool, memoryRepository, new RelationshipRepository(),
        new VectorSearch(config.exactScanMaxRows()), accessEvents, vertx.eventBus());
    SearchService search = new SearchService(pool, new SearchRepository(config.exactScanMaxRows()), memoryRepository,
        new QueryEmbeddings(vertx.eventBus(), config.queryEmbeddingTimeout()), HybridRanking.DEFAULT);
    GraphService graph = new GraphService(pool, new GraphRepository(), search);
    WorkspaceRepository workspaces = new WorkspaceRepository(pool);
    mcp = new McpEndpoint(keys,
        new MemoryTools(memories, search, graph, config.similarityThreshold()),
        Operations.BODY_LIMIT_BYTES);
    ApiRouter router = new ApiRouter(vertx, keys, new ApiRouter.Handlers(
        new MemoryHandler(pool, memories, config.similarityThreshold()), new SearchHandler(search),
        new GraphHandler(graph), new WorkspaceHandler(workspaces, new WorkspaceInsightRepository(pool)),
        new SdlcHandler(config.sdlcVersion()), new SessionHandler(new SessionRepository(pool), vertx.eventBus()),
        new ObservationHandler(pool, vertx.eventBus()), new CodeGraphHandler(pool)), mcp, health, metrics);
    return router.build()
        // gzip for clients that accept it, used by the web UI's files only (ApiRouter marks the rest identity)
        // headers up to 32 KiB and a request line up to 16 KiB reach the API (Netty's defaults, 8 KiB and 4 KiB,
        // answer a bodiless 431 or 414 and close the connection)
        .compose(r -> vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
                .setMaxHeaderSize(32 * 1024).setMaxInitialLineLength(16 * 1024))
            .requestHandler(r).listen(port, config.httpHost()))
        .onSuccess(s -> {
          server = s;
          LOG.debug("HTTP API instance listening on http://{}:{}{}", config.httpHost(), s.actualPort(),
              Operations.BASE_PATH);
        });
  }

  /**
   * Graceful: the server takes no new connections and lets the requests in flight finish (at most
   * {@link #SHUTDOWN_GRACE}); the MCP server is told first, so that late calls get 503. Then the access
   * events this node holds are written (each instance asks; the first does it).
   */
  @Override
  public Future<?> stop() {
    Future<Void> mcpClosed = mcp == null ? Future.succeededFuture() : mcp.close();
    return mcpClosed.compose(v -> server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS))
        .eventually(accessEvents::close);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.actualPort();
  }
}
