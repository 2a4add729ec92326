package dev.mnemograph.api.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final KeyRateLimit limit = new KeyRateLimit(2, 3, now::get);   // 2/s after a burst of 3

  @Test
  void a_burst_goes_through_then_the_next_waits_for_the_refill() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limit.admit("k"));
    }
    assertEquals(1, limit.admit("k"), "half a second to the next token, said as whole seconds");

    now.addAndGet(500_000_000L);
    assertEquals(0, limit.admit("k"));
    assertEquals(1, limit.admit("k"));
  }

  @Test
  void each_key_has_a_bucket_of_its_own_and_an_idle_one_fills_up_to_the_burst() {
    for (int i = 0; i < 3; i++) {
      limit.admit("busy");
    }
    assertEquals(0, limit.admit("calm"));

    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limit.admit("busy"));
    }
    assertEquals(1, limit.admit("busy"));
  }

  @Test
  void zero_is_no_limit_and_a_limit_needs_a_burst() {
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, KeyRateLimit.NONE.admit("k"));
    }
    assertThrows(IllegalArgumentException.class, () -> new KeyRateLimit(5, 0));
  }
}
