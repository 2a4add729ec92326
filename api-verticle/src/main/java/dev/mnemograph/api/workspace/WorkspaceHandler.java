package dev.mnemograph.api.workspace;

import dev.mnemograph.api.auth.TokenAuth;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.ext.web.RoutingContext;

import static dev.mnemograph.api.openapi.Requests.respond;

/**
 * The caller's workspace: GET /workspace (its counts and jobs), GET /workspaces/ (the key's workspaces, one) and
 * GET /workspaces/mine/insight (Neuroloom's shape).
 */
public final class WorkspaceHandler {
  private final WorkspaceRepository workspaces;
  private final WorkspaceInsightRepository insights;

  public WorkspaceHandler(WorkspaceRepository workspaces, WorkspaceInsightRepository insights) {
    this.workspaces = workspaces;
    this.insights = insights;
  }

  public void get(RoutingContext rc) {
    respond(rc, 200, workspaces.summary(TokenAuth.workspaceId(rc)));
  }

  public void list(RoutingContext rc) {
    respond(rc, 200, insights.workspaces(TokenAuth.workspaceId(rc)));
  }

  public void insight(RoutingContext rc) {
    respond(rc, 200, insights.insight(TokenAuth.workspaceId(rc)));
  }
}
