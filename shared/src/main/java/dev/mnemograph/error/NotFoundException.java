package dev.mnemograph.error;

/** A memory (or other object) that does not exist in the caller's workspace; answered as 404. */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message, null, false, false);
  }

  public static NotFoundException memory(String memoryId) {
    return new NotFoundException("Memory '" + memoryId + "' not found.");
  }
}
