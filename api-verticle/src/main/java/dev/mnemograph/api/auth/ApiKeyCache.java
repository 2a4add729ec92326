package dev.mnemograph.api.auth;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.workspace.ApiKeys;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The workspace of an API key, remembered for a short time ({@code auth.key-cache-ttl-ms}, at most 5 s) so
 * that a request does not pay a database lookup for its key. Only active keys are remembered: an unknown key
 * is looked up every time (a key made a moment ago works at once), and so is a lookup that failed (an outage
 * stays a 503). A revoked key therefore keeps working on a node for at most the TTL after the revocation
 * committed, wherever it was revoked (the CLI, another process). Keyed by the key's SHA-256, never the key.
 *
 * <p>One per node, shared by the API's event loops: a concurrent map of completed answers only (a lookup in
 * flight is not shared, so that no event loop runs another one's callbacks; two first requests for the same
 * key may both ask the database).
 */
public final class ApiKeyCache {
  /** The longest a revoked key may keep working on a node. */
  public static final Duration MAX_TTL = AppConfig.MAX_KEY_CACHE_TTL;
  /** Beyond this many keys, expired entries are dropped, and if that is not enough, all. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(String workspaceId, long expiresAt) {
  }

  private final Function<String, Future<Optional<String>>> lookupByHash;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

  private final KeyRateLimit rateLimit;

  public ApiKeyCache(WorkspaceRepository workspaces, Duration ttl) {
    this(workspaces, ttl, KeyRateLimit.NONE);
  }

  /** With each key's requests on this node limited by {@code rateLimit} ({@link #admit}). */
  public ApiKeyCache(WorkspaceRepository workspaces, Duration ttl, KeyRateLimit rateLimit) {
    this(workspaces::workspaceOfKeyHash, ttl, System::nanoTime, rateLimit);
  }

  ApiKeyCache(Function<String, Future<Optional<String>>> lookupByHash, Duration ttl, LongSupplier nanoClock) {
    this(lookupByHash, ttl, nanoClock, KeyRateLimit.NONE);
  }

  private ApiKeyCache(Function<String, Future<Optional<String>>> lookupByHash, Duration ttl, LongSupplier nanoClock,
                      KeyRateLimit rateLimit) {
    if (ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("The API key cache's TTL must be between 0 and " + MAX_TTL.toMillis()
          + " ms, got " + ttl.toMillis());
    }
    this.lookupByHash = Objects.requireNonNull(lookupByHash, "'lookupByHash' cannot be null");
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.rateLimit = Objects.requireNonNull(rateLimit, "'rateLimit' cannot be null");
  }

  /**
   * Counts a request of an authenticated key against its rate on this node: 0 when it may go on, otherwise
   * the seconds after which it could (the 429's Retry-After).
   */
  public long admit(String key) {
    return rateLimit.admit(ApiKeys.hash(key));
  }

  /** The workspace of an active key, or empty for an unknown or revoked one. */
  public Future<Optional<String>> workspaceOfKey(String key) {
    String hash = ApiKeys.hash(key);
    if (ttlNanos == 0) {
      return lookupByHash.apply(hash);
    }
    Entry cached = byHash.get(hash);
    long now = nanoClock.getAsLong();
    if (cached != null && now - cached.expiresAt() < 0) {
      return Future.succeededFuture(Optional.of(cached.workspaceId()));
    }
    return lookupByHash.apply(hash).onSuccess(ws -> {
      if (ws.isPresent()) {
        remember(hash, new Entry(ws.get(), nanoClock.getAsLong() + ttlNanos));
      } else {
        byHash.remove(hash);
      }
    });
  }

  /** How many keys are remembered (expired ones included until they are dropped). */
  int size() {
    return byHash.size();
  }

  private void remember(String hash, Entry entry) {
    if (byHash.size() >= MAX_ENTRIES) {
      long now = nanoClock.getAsLong();
      byHash.values().removeIf(e -> now - e.expiresAt() >= 0);
      if (byHash.size() >= MAX_ENTRIES) {
        byHash.clear();
      }
    }
    byHash.put(hash, entry);
  }
}
