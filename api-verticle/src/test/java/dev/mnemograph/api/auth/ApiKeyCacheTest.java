package dev.mnemograph.api.auth;

import dev.mnemograph.workspace.ApiKeys;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyCacheTest {
  private static final Duration TTL = Duration.ofSeconds(5);

  private final AtomicLong now = new AtomicLong();
  /** key hash → workspace: what the database says at the moment. */
  private final Map<String, String> active = new ConcurrentHashMap<>();
  private final List<String> lookups = new ArrayList<>();
  private boolean databaseDown;

  private final ApiKeyCache cache = new ApiKeyCache(hash -> {
    lookups.add(hash);
    return databaseDown ? Future.failedFuture("connection refused")
        : Future.succeededFuture(Optional.ofNullable(active.get(hash)));
  }, TTL, now::get);

  private Optional<String> check(String key) {
    return cache.workspaceOfKey(key).await();
  }

  @Test
  void an_active_key_is_looked_up_once_per_ttl() {
    String key = ApiKeys.newKey();
    active.put(ApiKeys.hash(key), "ws-1");

    assertEquals(Optional.of("ws-1"), check(key));
    now.addAndGet(TTL.toNanos() - 1);
    assertEquals(Optional.of("ws-1"), check(key));
    assertEquals(1, lookups.size());

    now.addAndGet(1);
    assertEquals(Optional.of("ws-1"), check(key));
    assertEquals(2, lookups.size(), "looked up again once the TTL ran out");
  }

  @Test
  void a_revoked_key_stops_working_when_its_ttl_runs_out() {
    String key = ApiKeys.newKey();
    active.put(ApiKeys.hash(key), "ws-1");
    assertEquals(Optional.of("ws-1"), check(key));

    active.remove(ApiKeys.hash(key));
    now.addAndGet(TTL.toNanos());

    assertEquals(Optional.empty(), check(key));
    assertEquals(Optional.empty(), check(key));
    assertEquals(3, lookups.size(), "an unknown key is never remembered");
  }

  @Test
  void a_key_made_after_a_miss_works_at_once() {
    String key = ApiKeys.newKey();
    assertEquals(Optional.empty(), check(key));

    active.put(ApiKeys.hash(key), "ws-2");

    assertEquals(Optional.of("ws-2"), check(key));
  }

  @Test
  void a_failed_lookup_is_not_remembered() {
    String key = ApiKeys.newKey();
    active.put(ApiKeys.hash(key), "ws-1");
    databaseDown = true;
    assertTrue(cache.workspaceOfKey(key).failed());

    databaseDown = false;

    assertEquals(Optional.of("ws-1"), check(key));
  }

  @Test
  void only_the_hash_of_a_key_is_kept() {
    String key = ApiKeys.newKey();
    active.put(ApiKeys.hash(key), "ws-1");

    check(key);

    assertEquals(List.of(ApiKeys.hash(key)), lookups);
  }

  @Test
  void a_ttl_of_zero_looks_up_every_time_and_one_over_5_seconds_is_refused() {
    ApiKeyCache uncached = new ApiKeyCache(hash -> {
      lookups.add(hash);
      return Future.succeededFuture(Optional.of("ws-1"));
    }, Duration.ZERO, now::get);
    uncached.workspaceOfKey("k").await();
    uncached.workspaceOfKey("k").await();
    assertEquals(2, lookups.size());

    assertThrows(IllegalArgumentException.class,
        () -> new ApiKeyCache(hash -> Future.succeededFuture(Optional.empty()), Duration.ofMillis(5_001), now::get));
  }

  @Test
  void it_stays_bounded() {
    for (int i = 0; i < ApiKeyCache.MAX_ENTRIES + 10; i++) {
      String key = "k" + i;
      active.put(ApiKeys.hash(key), "ws");
      check(key);
    }
    lookups.clear();

    check("k" + (ApiKeyCache.MAX_ENTRIES + 9));

    assertEquals(0, lookups.size(), "the latest key is still remembered");
    assertTrue(cache.size() <= ApiKeyCache.MAX_ENTRIES, "at most " + ApiKeyCache.MAX_ENTRIES + ": " + cache.size());
  }
}
