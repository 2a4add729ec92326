package dev.mnemograph.benchmark;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * HTTP load for the request-path benchmark, on a Vert.x of its own (2 event loops).
 *
 * <p>{@link #openLoop}: requests are scheduled by the clock at a fixed rate, whatever the server does, and
 * each latency is measured from the request's scheduled send time, so that time spent queueing (in the client,
 * for a free connection, or in the server) is counted rather than hidden (no coordinated omission).
 */
final class LoadClient implements AutoCloseable {
  /** The most requests in flight at once; a request beyond waits for a connection, and the wait is counted. */
  private static final int MAX_CONNECTIONS = 64;

  /** One request: method, path and an optional JSON body. */
  record Call(HttpMethod method, String path, JsonObject body) {
    static Call get(String path) {
      return new Call(HttpMethod.GET, path, null);
    }

    static Call post(String path, JsonObject body) {
      return new Call(HttpMethod.POST, path, body);
    }
  }

  /** An answer: status and body. */
  record Answer(int status, Buffer body) {
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final String authorization;
  private final String host;
  private final int port;

  LoadClient(String host, int port, String key) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    this.authorization = "Token " + key;
    this.host = host;
    this.port = port;
  }

  Future<Answer> send(Call call) {
    // a request that waits 30 s for a connection, or for data, fails instead of hanging the benchmark
    RequestOptions options = new RequestOptions().setMethod(call.method()).setHost(host).setPort(port)
        .setConnectTimeout(30_000).setIdleTimeout(30_000)
        .setURI(call.path()).putHeader("Authorization", authorization);
    if (call.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(req -> call.body() == null ? req.send() : req.send(call.body().toBuffer()))
        .compose(res -> res.body().map(body -> new Answer(res.statusCode(), body)));
  }

  /**
   * {@link #send}, on this client's own event loop, waiting on the calling (non-Vert.x) thread. Sent from the
   * calling thread, an answer could end before its body was asked for and never complete: vert.x 5.0.7's
   * client race (eclipse-vertx/vert.x#6038), which hung a benchmark run for good.
   */
  Answer call(Call call) {
    Promise<Answer> answered = Promise.promise();
    vertx.runOnContext(v -> send(call).onComplete(answered));
    return answered.future().await();
  }

  /**
   * Sends {@code rate} requests a second for {@code duration}, request i at start + i / rate, and waits until
   * all have answered.
   */
  Stats openLoop(double rate, Duration duration, IntFunction<Call> calls) {
    int total = (int) Math.round(rate * duration.toNanos() / 1e9);
    long[] latencies = new long[total];
    int[] statuses = new int[total];
    AtomicInteger scheduled = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong lastDone = new AtomicLong();
    Promise<Void> finished = Promise.promise();
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime() + 5_000_000;
    vertx.runOnContext(v -> vertx.setPeriodic(1, timer -> {
      long now = System.nanoTime();
      while (scheduled.get() < total && start + scheduled.get() * intervalNanos <= now) {
        int i = scheduled.getAndIncrement();
        long due = start + i * intervalNanos;
        send(calls.apply(i)).onComplete(r -> {
          long end = System.nanoTime();
          latencies[i] = end - due;
          statuses[i] = r.succeeded() ? r.result().status() : -1;
          lastDone.accumulateAndGet(end, Math::max);
          if (done.incrementAndGet() == total) {
            finished.tryComplete();
          }
        });
      }
      if (scheduled.get() >= total) {
        vertx.cancelTimer(timer);
      }
    }));
    finished.future().await();
    return Stats.of(latencies, statuses, (lastDone.get() - start) / 1e9, rate);
  }

  /** {@code total} requests from {@code concurrency} clients, each sending its next when its last answered. */
  Stats closedLoop(int total, int concurrency, IntFunction<Call> calls) {
    long[] latencies = new long[total];
    int[] statuses = new int[total];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    for (int c = 0; c < Math.min(concurrency, total); c++) {
      vertx.runOnContext(v -> closedLoopNext(calls, total, next, done, latencies, statuses, finished));
    }
    finished.future().await();
    return Stats.of(latencies, statuses, (System.nanoTime() - start) / 1e9, Double.NaN);
  }

  private void closedLoopNext(IntFunction<Call> calls, int total, AtomicInteger next, AtomicInteger done,
                              long[] latencies, int[] statuses, Promise<Void> finished) {
    int i = next.getAndIncrement();
    if (i >= total) {
      return;
    }
    long sent = System.nanoTime();
    send(calls.apply(i)).onComplete(r -> {
      latencies[i] = System.nanoTime() - sent;
      statuses[i] = r.succeeded() ? r.result().status() : -1;
      if (done.incrementAndGet() == total) {
        finished.tryComplete();
      }
      closedLoopNext(calls, total, next, done, latencies, statuses, finished);
    });
  }

  @Override
  public void close() {
    http.close().await();
    vertx.close().await();
  }

  /**
   * Latencies (ms) and rates of one run. {@code offered} is NaN for a closed loop; {@code failed} counts
   * answers that were not 2xx (connection errors included), {@code serverErrors} the 5xx among them.
   */
  record Stats(int requests, double seconds, double offered, double p50, double p95, double p99, double max,
               int failed, int serverErrors) {
    static Stats of(long[] latencies, int[] statuses, double seconds, double offered) {
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      int failed = 0;
      int serverErrors = 0;
      for (int s : statuses) {
        if (s < 200 || s > 299) {
          failed++;
        }
        if (s >= 500) {
          serverErrors++;
        }
      }
      return new Stats(sorted.length, seconds, offered, percentile(sorted, 50), percentile(sorted, 95),
          percentile(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, failed, serverErrors);
    }

    private static double percentile(long[] sorted, int p) {
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) ((long) sorted.length * p / 100))] / 1e6;
    }

    /** Answers per second over the run (first scheduled send to last answer). */
    double achieved() {
      return requests / seconds;
    }
  }
}
