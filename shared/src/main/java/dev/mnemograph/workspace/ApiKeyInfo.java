package dev.mnemograph.workspace;

import java.time.OffsetDateTime;

/** What may be shown of a key: never the key itself. */
public record ApiKeyInfo(long keyId, String workspaceId, String workspaceName, String name, String keyPrefix,
                         OffsetDateTime createdAt, OffsetDateTime revokedAt) {
  public boolean active() {
    return revokedAt == null;
  }
}
