package dev.mnemograph.api.workspace;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.openapi.Requests.respond;

/** GET /workspace: the caller's workspace and its counts. */
public final class WorkspaceHandler {
  private final WorkspaceRepository workspaces;

  public WorkspaceHandler(WorkspaceRepository workspaces) {
    this.workspaces = workspaces;
  }

  public void get(RoutingContext rc) {
    respond(rc, 200, workspaces.summary(TokenAuth.workspaceId(rc)));
  }
}
