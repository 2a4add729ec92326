package dev.mnemograph.api.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.util.Map;

/**
 * Glue between a Vert.x route and the SDK's stateless MCP server: one POST in, one JSON-RPC answer out
 * (Streamable HTTP without sessions or SSE). It checks what the SDK's servlet transport checks, in the same
 * order, then hands the message to the SDK. Nothing here blocks: the SDK is called on the event loop, the
 * tools answer with Vert.x futures, and the response is written back on the request's own context.
 */
final class VertxMcpTransport implements McpStatelessServerTransport {
  private static final Logger LOG = LoggerFactory.getLogger(VertxMcpTransport.class);
  private static final String APPLICATION_JSON = "application/json";
  private static final String TEXT_EVENT_STREAM = "text/event-stream";

  private final McpJsonMapper json;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  VertxMcpTransport(McpJsonMapper json) {
    this.json = json;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  /** POST /mcp, after {@link BearerAuth} and the body handler. */
  void post(RoutingContext rc) {
    if (closing) {
      detail(rc, 503, "The server is shutting down.");
      return;
    }
    if (!isJson(rc.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      detail(rc, 415, "Unsupported content type: send 'Content-Type: application/json'.");
      return;
    }
    String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
    if (accept == null || !accept.contains(APPLICATION_JSON) || !accept.contains(TEXT_EVENT_STREAM)) {
      detail(rc, 400, "Send 'Accept: application/json, text/event-stream', as MCP's Streamable HTTP requires.");
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, rc.body().asString());
    } catch (IOException notJson) {
      // JSONRPCResponse refuses a null id, which a parse error must carry: written by hand.
      jsonRpcError(rc, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the body is not a JSON object.");
      return;
    } catch (RuntimeException notJsonRpc) {
      jsonRpcError(rc, McpSchema.ErrorCodes.INVALID_REQUEST,
          "Invalid request: expected a JSON-RPC 2.0 request (with a string or integer id) or notification.");
      return;
    }
    McpTransportContext context = McpTransportContext.create(Map.of(BearerAuth.WORKSPACE_ID,
        rc.<String>get(BearerAuth.WORKSPACE_ID)));
    Context vertxContext = Vertx.currentContext();
    if (message instanceof McpSchema.JSONRPCRequest request) {
      // defer: the SDK starts work (even a tool call) inside handleRequest, and may throw there.
      Mono<McpSchema.JSONRPCResponse> answer = Mono.defer(() -> handler.handleRequest(context, request))
          .contextWrite(c -> c.put(McpTransportContext.KEY, context));
      Future.fromCompletionStage(answer.toFuture(), vertxContext).onComplete(ar -> {
        if (ar.succeeded()) {
          send(rc, 200, ar.result());
        } else {
          LOG.error("MCP request '{}' (id {}) failed", request.method(), request.id(), ar.cause());
          send(rc, 200, McpSchema.JSONRPCResponse.error(request.id(), new McpSchema.JSONRPCResponse.JSONRPCError(
              McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error; the server log has the details.", null)));
        }
      });
    } else if (message instanceof McpSchema.JSONRPCNotification notification) {
      Mono<Void> handled = Mono.defer(() -> handler.handleNotification(context, notification))
          .contextWrite(c -> c.put(McpTransportContext.KEY, context));
      Future.fromCompletionStage(handled.toFuture(), vertxContext).onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("MCP notification '{}' failed", notification.method(), ar.cause());
        }
        rc.response().setStatusCode(202).end();
      });
    } else {
      // A JSON-RPC response: this server never sends requests that it could answer.
      jsonRpcError(rc, McpSchema.ErrorCodes.INVALID_REQUEST, "The server accepts requests and notifications only.");
    }
  }

  private void send(RoutingContext rc, int status, Object body) {
    String text;
    try {
      text = json.writeValueAsString(body);
    } catch (IOException e) {
      LOG.error("Could not write an MCP response", e);
      detail(rc, 500, "Internal server error.");
      return;
    }
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(text);
  }

  /** {@code Content-Type} application/json, with or without parameters such as charset. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return APPLICATION_JSON.equalsIgnoreCase(type.trim());
  }

  private static void jsonRpcError(RoutingContext rc, int code, String message) {
    rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(new JsonObject().put("jsonrpc", McpSchema.JSONRPC_VERSION).putNull("id")
            .put("error", new JsonObject().put("code", code).put("message", message)).encode());
  }

  /** An HTTP-level refusal, in the REST API's error shape. */
  static void detail(RoutingContext rc, int status, String detail) {
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(new JsonObject().put("detail", detail).encode());
  }
}
