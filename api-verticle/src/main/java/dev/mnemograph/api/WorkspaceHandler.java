package dev.mnemograph.api;

import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.MemoryHandler.respond;

/** GET /workspace: the caller's workspace and its counts. */
public final class WorkspaceHandler {
  private final WorkspaceRepository workspaces;

  public WorkspaceHandler(WorkspaceRepository workspaces) {
    this.workspaces = workspaces;
  }

  void get(RoutingContext rc) {
    respond(rc, 200, workspaces.summary(TokenAuth.workspaceId(rc)));
  }
}
