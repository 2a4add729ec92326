package dev.mnemograph.error;

/** The request would duplicate something that exists; answered as 409. */
public final class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message, null, false, false);
  }
}
