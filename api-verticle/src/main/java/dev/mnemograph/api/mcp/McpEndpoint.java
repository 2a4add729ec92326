package dev.mnemograph.api.mcp;

import dev.mnemograph.api.auth.ApiKeyCache;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.core.Future;

/**
 * MCP over Streamable HTTP at {@value #PATH}: the official SDK's stateless server with the {@link MemoryTools},
 * behind {@code Authorization: Bearer <key>}. Stateless means one POST, one JSON answer: no sessions and no
 * SSE stream (GET and DELETE answer 405, which the protocol allows), so any API node can serve any call.
 * Built once when the API verticle starts; {@link #close()} when it stops.
 */
public final class McpEndpoint {
  public static final String PATH = "/mcp";
  static final String SERVER_NAME = "mnemograph";
  static final String SERVER_VERSION = "0.1.0";
  static final String INSTRUCTIONS = """
      Mnemograph is this project's long-term memory: decisions, patterns, conventions, architecture, \
      discoveries and incidents that agents stored in earlier sessions. Before you work on a task, call \
      memory_search with the problem in your own words, and memory_by_file for the files you will change; read \
      a hit in full with memory_get_detail, and see what a topic connects to with memory_explore. When you \
      settle a decision, find a gotcha or fix a bug, store it with memory_store, naming the files it concerns. \
      When a memory helped you, or misled you, say so with memory_rate: it steers what ranks first next time. \
      Results are compact on purpose; ask for content only when a snippet is not enough.""";

  private final VertxMcpTransport transport;
  private final McpStatelessAsyncServer server;
  private final BearerAuth auth;
  private final int bodyLimitBytes;

  /** @param bodyLimitBytes requests over this get 413 before anything reads them */
  public McpEndpoint(ApiKeyCache keys, MemoryTools tools, int bodyLimitBytes) {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    this.transport = new VertxMcpTransport(json);
    this.auth = new BearerAuth(keys);
    this.bodyLimitBytes = bodyLimitBytes;
    // async, not sync: the sync server would run each handler on Reactor's boundedElastic pool; these
    // handlers only start non-blocking Vert.x work, so they run on the event loop that took the request.
    this.server = McpServer.async(transport)
        .serverInfo(SERVER_NAME, SERVER_VERSION)
        .instructions(INSTRUCTIONS)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .jsonMapper(json)
        .tools(tools.specifications(json))
        .build();
  }

  /** Authentication first, so that nothing of an unauthenticated request is read. */
  public void mount(Router root) {
    root.route(PATH).handler(auth);
    root.post(PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes)).handler(transport::post);
    root.route(PATH).handler(rc -> {
      rc.response().putHeader(HttpHeaders.ALLOW, "POST");
      VertxMcpTransport.detail(rc, 405, "This MCP server is stateless: it takes POST only (no SSE stream, "
          + "no sessions to delete).");
    });
  }

  /** New calls get 503 from now on. */
  public Future<Void> close() {
    return Future.fromCompletionStage(server.closeGracefully().toFuture());
  }
}
