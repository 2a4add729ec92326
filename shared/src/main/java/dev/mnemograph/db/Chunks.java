package dev.mnemograph.db;

import io.vertx.core.Future;

/**
 * A statement over a long list, a chunk of rows at a time: one statement per chunk, each after the one before
 * (on one connection, or in one transaction, as the caller runs it), their row counts added up.
 */
public final class Chunks {
  private Chunks() {
  }

  /** A statement over the rows [start, end) of a list. */
  @FunctionalInterface
  public interface Statement {
    Future<Integer> run(int start, int end);
  }

  /** Runs {@code statement} over {@code count} rows, {@code size} at a time, in order; answers the sum. */
  public static Future<Integer> inOrder(int count, int size, Statement statement) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (int from = 0; from < count; from += size) {
      int start = from;
      int end = Math.min(count, from + size);
      chain = chain.compose(sum -> statement.run(start, end).map(n -> sum + n));
    }
    return chain;
  }
}
