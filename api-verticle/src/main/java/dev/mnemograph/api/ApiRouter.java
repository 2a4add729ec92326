package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.api.codegraph.CodeGraphHandler;
import dev.mnemograph.api.graph.GraphHandler;
import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.api.memory.MemoryHandler;
import dev.mnemograph.api.observations.ObservationHandler;
import dev.mnemograph.api.openapi.ErrorResponses;
import dev.mnemograph.api.openapi.Operations;
import dev.mnemograph.api.openapi.RequestValidation;
import dev.mnemograph.api.openapi.ValidatorCachingContract;
import dev.mnemograph.api.sdlc.SdlcHandler;
import dev.mnemograph.api.search.SearchHandler;
import dev.mnemograph.api.sessions.SessionHandler;
import dev.mnemograph.api.ui.WebUi;
import dev.mnemograph.api.workspace.WorkspaceHandler;
import dev.mnemograph.error.InvalidRequestException;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the HTTP router from the OpenAPI contract: what the contract says is what is enforced
 * (authentication, then validation, then our handler), with one JSON error writer on the root router.
 * The MCP endpoint ({@link McpEndpoint#PATH}) and the web UI ({@link WebUi#PATH}) are mounted on the root router
 * too, outside the contract; every answer gets the {@link SecurityHeaders}.
 */
public final class ApiRouter {
  /** The handlers of the contract's operations, one per feature. */
  public record Handlers(MemoryHandler memories, SearchHandler search, GraphHandler graph,
                         WorkspaceHandler workspace, SdlcHandler sdlc, SessionHandler sessions,
                         ObservationHandler observations, CodeGraphHandler codeGraph) {
  }

  private final Vertx vertx;
  private final ApiKeyCache keys;
  private final Handlers handlers;
  private final McpEndpoint mcp;
  private final Health health;
  private final Metrics metrics;

  public ApiRouter(Vertx vertx, ApiKeyCache keys, Handlers handlers, McpEndpoint mcp, Health health,
                   Metrics metrics) {
    this.health = health;
    this.metrics = metrics;
    this.vertx = vertx;
    this.keys = keys;
    this.handlers = handlers;
    this.mcp = mcp;
  }

  /** operationId → handler; every operation of the contract must be here. */
  Map<String, Handler<RoutingContext>> handlers() {
    MemoryHandler memories = handlers.memories();
    SearchHandler search = handlers.search();
    GraphHandler graph = handlers.graph();
    WorkspaceHandler workspace = handlers.workspace();
    Map<String, Handler<RoutingContext>> h = new LinkedHashMap<>();
    h.put(Operations.STORE_MEMORY, memories::store);
    h.put(Operations.LIST_MEMORIES, memories::list);
    h.put(Operations.GET_MEMORY, memories::get);
    h.put(Operations.UPDATE_MEMORY, memories::update);
    h.put(Operations.DELETE_MEMORY, memories::delete);
    h.put(Operations.BATCH_DELETE_MEMORIES, memories::batchDelete);
    h.put(Operations.RECORD_MEMORY_ACCESS, memories::recordAccess);
    h.put(Operations.RECORD_MEMORY_RETRIEVAL, memories::recordRetrieval);
    h.put(Operations.GET_RELATED_MEMORIES, memories::related);
    h.put(Operations.ADD_RELATIONSHIP, memories::addRelationship);
    h.put(Operations.SEARCH_MEMORIES, search::search);
    h.put(Operations.GET_MEMORY_INDEX, memories::index);
    h.put(Operations.GET_MEMORY_TIMELINE, memories::timeline);
    h.put(Operations.GET_WORKSPACE, workspace::get);
    h.put(Operations.LIST_WORKSPACES, workspace::list);
    h.put(Operations.GET_WORKSPACE_INSIGHT, workspace::insight);
    h.put(Operations.GET_SDLC_VERSION, handlers.sdlc()::version);
    h.put(Operations.START_SESSION, handlers.sessions()::start);
    h.put(Operations.LIST_SESSIONS, handlers.sessions()::list);
    h.put(Operations.GET_SESSION, handlers.sessions()::get);
    h.put(Operations.END_SESSION, handlers.sessions()::end);
    h.put(Operations.RECORD_OBSERVATIONS, handlers.observations()::batch);
    h.put(Operations.SYNC_CODE_GRAPH, handlers.codeGraph()::sync);
    h.put(Operations.FIND_MEMORY_PATH, graph::path);
    h.put(Operations.EXPLORE_MEMORIES, graph::explore);
    h.put(Operations.GET_MEMORY_GRAPH, graph::graph);
    h.put(Operations.RECORD_MEMORY_FEEDBACK, memories::feedback);
    return h;
  }

  /**
   * The server compresses (ApiVerticle) for the UI's files; the API's answers stay uncompressed, as they were.
   * The identity marker is the compressor's "skip this one", which it removes before the answer goes out; it
   * never sees answers without a body (204, 304, HEAD), so they get none.
   */
  private static void uncompressedOutsideTheUi(RoutingContext rc) {
    if (!WebUi.serves(rc.request().path())) {
      rc.addHeadersEndHandler(v -> {
        int status = rc.response().getStatusCode();
        if (status != 204 && status != 304 && rc.request().method() != HttpMethod.HEAD) {
          rc.response().putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
        }
      });
    }
    rc.next();
  }

  /**
   * Before the API's routes, two requests vertx-web 5.0.7 would let escape as an unhandled exception (and so no
   * answer): a query string with a bad escape ({@code ?limit=%}), which the router decodes while it matches a
   * path with parameters, is a 422; a form or multipart body, which BodyHandler decodes (and fails on for a
   * GET, or a long field), is a 415: the API takes JSON only.
   */
  private static void jsonWithADecodableQuery(RoutingContext rc) {
    if (!rc.request().path().startsWith(Operations.BASE_PATH + "/")) {
      rc.next();
      return;
    }
    String contentType = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null) {
      String type = contentType.trim().toLowerCase(Locale.ROOT);
      if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
        rc.fail(new HttpException(415, "This API takes JSON bodies (Content-Type: application/json), not "
            + type.split(";")[0] + "."));
        return;
      }
    }
    if (rc.request().query() != null) {
      try {
        rc.request().params();   // decoded once, here, for every later reader
      } catch (IllegalArgumentException undecodable) {
        rc.fail(new InvalidRequestException(List.of("query"), "The query string cannot be decoded ("
            + undecodable.getMessage() + "); a '%' must start an escape such as %25.", "value_error"));
        return;
      }
    }
    rc.next();
  }

  /**
   * A batch of observations may be far larger than any other body (a client replays its buffer of hook
   * payloads in one request): with a {@code Token} key its body is read here up to
   * {@link Operations#OBSERVATIONS_BODY_LIMIT_BYTES}, and the contract's body handler then leaves it be (the key
   * is checked right after, as for any route). A request without one goes on as any other: its body limited as
   * any other's, then a 401.
   */
  private static Handler<RoutingContext> largeBodyWithAKey() {
    BodyHandler large = BodyHandler.create(false).setBodyLimit(Operations.OBSERVATIONS_BODY_LIMIT_BYTES);
    return rc -> {
      if (Operations.bodyLimit(rc.request()) == Operations.OBSERVATIONS_BODY_LIMIT_BYTES) {
        large.handle(rc);
      } else {
        rc.next();
      }
    };
  }

  public Future<Router> build() {
    return OpenAPIContract.from(vertx, Operations.CONTRACT).map(this::build);
  }

  Router build(OpenAPIContract contract) {
    OpenAPIContract cached = new ValidatorCachingContract(contract);
    RouterBuilder rb = RouterBuilder.create(vertx, cached, RequestExtractor.withBodyHandler());
    RequestValidation validation = new RequestValidation(vertx, cached);
    rb.rootHandler(BodyHandler.create(false).setBodyLimit(Operations.BODY_LIMIT_BYTES));
    rb.security(Operations.SECURITY_SCHEME).apiKeyHandler(TokenAuth.handler(keys));
    Map<String, Handler<RoutingContext>> byOperation = handlers();
    for (OpenAPIRoute route : rb.getRoutes()) {
      String operationId = route.getOperation().getOperationId();
      Handler<RoutingContext> handler = byOperation.get(operationId);
      if (handler == null) {
        throw new IllegalStateException("The contract's operation '" + operationId + "' has no handler");
      }
      // our validation in place of the builder's (security still runs first): see RequestValidation
      route.setDoValidation(false);
      route.addHandler(validation.handler(route.getOperation()));
      route.addHandler(handler);
    }
    Router api = rb.createRouter();

    Router root = Router.router(vertx);
    root.route().handler(SecurityHeaders::add);
    root.route().handler(ApiRouter::uncompressedOutsideTheUi);
    root.get(Health.LIVE).handler(rc -> health.live(rc.response()));
    root.get(Health.READY).handler(rc -> health.ready(rc.response()));
    root.get("/health").handler(rc -> health.ready(rc.response()));   // the first versions' name
    root.get(Metrics.PATH).handler(rc -> metrics.handle(rc.request()));
    // MCP for agents (Streamable HTTP, Bearer auth), beside the contract: its surface is tools, not paths.
    mcp.mount(root);
    // a route without a path, as the two above: a path would become part of the metrics' route label
    root.route().handler(ApiRouter::jsonWithADecodableQuery);
    root.post(Operations.OBSERVATIONS_BATCH_PATH).handler(largeBodyWithAKey());
    root.route(Operations.BASE_PATH + "/*").subRouter(api);
    WebUi.mount(root);
    ErrorResponses.install(root);
    return root;
  }
}
