package dev.mnemograph.benchmark;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Closed-loop latency measurement for the benchmarks: percentiles and throughput of an async operation. */
final class Latency {
  private Latency() {
  }

  /** Runs {@code requests} operations from {@code clients} clients, each issuing its next when the last ends. */
  static Stats measure(IntFunction<Future<?>> op, int requests, int clients) {
    AtomicInteger next = new AtomicInteger();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> running = new ArrayList<>();
    long started = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Promise<Void> done = Promise.promise();
      loop(op, requests, next, latencies, done);
      running.add(done.future());
    }
    Future.all(running).await();
    double seconds = (System.nanoTime() - started) / 1e9;
    assertEquals(requests, latencies.size());
    return new Stats(new ArrayList<>(latencies), requests / seconds);
  }

  private static void loop(IntFunction<Future<?>> op, int requests, AtomicInteger next, List<Long> latencies,
                           Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= requests) {
      done.tryComplete();
      return;
    }
    long sent = System.nanoTime();
    op.apply(i).onComplete(r -> {
      if (r.failed()) {
        done.tryFail(r.cause());
        return;
      }
      latencies.add(System.nanoTime() - sent);
      loop(op, requests, next, latencies, done);
    });
  }

  /** Latencies in nanoseconds (sorted) and operations per second. */
  record Stats(List<Long> latencies, double perSecond) {
    Stats {
      latencies.sort(null);
    }

    /** The percentile in milliseconds. */
    double p(int percentile) {
      return latencies.get(Math.min(latencies.size() - 1, latencies.size() * percentile / 100)) / 1e6;
    }

    void print(String name) {
      System.out.printf("%-44s %8.1f %8.1f %8.1f %8.0f%n", name, p(50), p(95), p(99), perSecond);
    }
  }
}
