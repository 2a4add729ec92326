package dev.mnemograph.error;

import java.util.List;

/**
 * A request the contract let through but the domain rejects (e.g. a relationship from a memory to itself);
 * answered as 422 in the same shape as a contract violation.
 *
 * @param loc where, e.g. {@code ["body", "target_memory_id"]}
 */
public final class InvalidRequestException extends RuntimeException {
  private final List<Object> loc;
  private final String type;

  public InvalidRequestException(List<Object> loc, String message, String type) {
    super(message, null, false, false);
    this.loc = List.copyOf(loc);
    this.type = type;
  }

  public List<Object> loc() {
    return loc;
  }

  public String type() {
    return type;
  }
}
