package dev.mnemograph.jobs;

import java.time.Duration;

/**
 * @param lease       how long a claimed job belongs to its worker; after that another worker may take it
 * @param maxAttempts attempts before a job is parked as failed
 * @param retryBase   backoff after the first failure, doubled after each further one
 * @param retryMax    the longest backoff
 */
public record JobSettings(Duration lease, int maxAttempts, Duration retryBase, Duration retryMax) {
  public static final JobSettings DEFAULT =
      new JobSettings(Duration.ofMinutes(2), 5, Duration.ofSeconds(2), Duration.ofMinutes(10));
}
