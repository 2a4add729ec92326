package dev.mnemograph.workspace;

/** A key at the one moment it is shown in full: right after it was made. */
public record NewApiKey(Workspace workspace, ApiKeyInfo info, String key) {
}
