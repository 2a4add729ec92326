package dev.mnemograph.bus;

/**
 * Event-bus addresses. Messages on them are hints and notifications; durable state lives in PostgreSQL.
 * Bodies are JsonObjects so that they cross a clustered event bus unchanged.
 */
public final class Addresses {
  /** Published by the API after it committed work for the workers: "work is waiting". */
  public static final String JOBS_READY = "mnemograph.jobs.ready";

  private Addresses() {
  }
}
