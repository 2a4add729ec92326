package dev.mnemograph.api.sessions;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.RequestParameter;

import java.util.Map;

import static dev.mnemograph.api.openapi.Requests.array;
import static dev.mnemograph.api.openapi.Requests.body;
import static dev.mnemograph.api.openapi.Requests.integer;
import static dev.mnemograph.api.openapi.Requests.pathParameter;
import static dev.mnemograph.api.openapi.Requests.query;
import static dev.mnemograph.api.openapi.Requests.respond;

/**
 * The session operations: POST /sessions/start, GET /sessions/, GET /sessions/{id}, POST /sessions/{id}/end (which
 * queues the extraction of the session's observations into memories).
 */
public final class SessionHandler {
  static final int DEFAULT_LIMIT = 20;

  private final SessionRepository sessions;
  private final EventBus bus;

  /** @param bus where the workers hear that a session's extraction was queued */
  public SessionHandler(SessionRepository sessions, EventBus bus) {
    this.sessions = sessions;
    this.bus = bus;
  }

  public void start(RoutingContext rc) {
    JsonObject b = body(rc);
    JsonObject metadata = b.getJsonObject("metadata");
    SessionStart start = new SessionStart(b.getString("session_id"), b.getString("project_name"),
        b.getString("branch_name"), b.getString("user_id"), metadata == null ? new JsonObject() : metadata);
    respond(rc, 201, sessions.start(TokenAuth.workspaceId(rc), start).map(Session::toJson));
  }

  public void list(RoutingContext rc) {
    Map<String, RequestParameter> q = query(rc);
    respond(rc, 200, sessions.list(TokenAuth.workspaceId(rc), integer(q, "limit", DEFAULT_LIMIT),
        integer(q, "offset", 0)).map(list -> array(list, Session::toJson)));
  }

  public void get(RoutingContext rc) {
    respond(rc, 200, sessions.get(TokenAuth.workspaceId(rc), pathParameter(rc, "session_id")).map(Session::toJson));
  }

  public void end(RoutingContext rc) {
    String sessionId = pathParameter(rc, "session_id");
    respond(rc, 200, sessions.end(TokenAuth.workspaceId(rc), sessionId, () -> Addresses.extractionReady(bus, sessionId))
        .map(Session::toJson));
  }
}
