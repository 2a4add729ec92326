package dev.mnemograph.workspace;

/** A tenant: every memory, relationship and key belongs to exactly one. */
public record Workspace(String workspaceId, String name) {
}
