package dev.mnemograph.jobs;

/**
 * What a job does. A memory's text change causes EMBED, which on success causes DISCOVER_RELATIONSHIPS; a
 * session's end (or its idle time) causes EXTRACT_SESSION, whose memories go straight to discovery.
 */
public enum JobKind {
  EMBED("embed"),
  DISCOVER_RELATIONSHIPS("discover_relationships"),
  /** Names a session, not a memory. */
  EXTRACT_SESSION("extract_session");

  private final String dbName;

  JobKind(String dbName) {
    this.dbName = dbName;
  }

  public String dbName() {
    return dbName;
  }

  static JobKind of(String dbName) {
    for (JobKind k : values()) {
      if (k.dbName.equals(dbName)) {
        return k;
      }
    }
    throw new IllegalArgumentException("Unknown job kind '" + dbName + "'");
  }
}
