package dev.mnemograph.api.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per API key on this node, as a token bucket: {@code burst} requests at once, refilled at
 * {@code perSecond}. The default is far above what an agent sends (it exists so that one runaway client
 * cannot take a shared node from everyone else). Each API node counts for itself: with n nodes behind a
 * balancer a key gets up to n times the rate. Keyed by the key's hash, as the key cache is.
 */
public final class KeyRateLimit {
  /** No limit. */
  public static final KeyRateLimit NONE = new KeyRateLimit(0, 0, System::nanoTime);

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public KeyRateLimit(int perSecond, int burst) {
    this(perSecond, burst, System::nanoTime);
  }

  KeyRateLimit(int perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
      throw new IllegalArgumentException("A rate limit needs perSecond >= 0 and, when on, burst >= 1; got "
          + perSecond + " and " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** 0 when the request may go on; otherwise the whole seconds until it could (for Retry-After). */
  public long admit(String keyHash) {
    if (perNano == 0) {
      return 0;
    }
    long now = nanoClock.getAsLong();
    if (buckets.size() >= ApiKeyCache.MAX_ENTRIES && !buckets.containsKey(keyHash)) {
      buckets.clear();   // only keys that authenticated get here; so many at once on one node: start afresh
    }
    Bucket b = buckets.computeIfAbsent(keyHash, k -> new Bucket(burst, now));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
    }
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }
}
