package dev.mnemograph.jobs;

import java.time.Duration;

/**
 * How the job queue treats claims and failures: configured with the {@code jobs.*} keys of
 * {@link dev.mnemograph.config.AppConfig} ({@code config.jobs()}), where the defaults are.
 *
 * @param lease             how long a claimed job belongs to its worker unless renewed (a live worker renews its
 *                          claims every third of it); after that another worker may take it
 * @param maxAttempts       failed runs before a job is parked as failed
 * @param retryBase         backoff after the first failure, doubled after each further one
 * @param retryMax          the longest backoff
 * @param maxInterruptions  runs that ended without a result (the worker died, its lease ran out) before a job is
 *                          parked as failed: generous, since a restart is not the job's fault, but bounded, since
 *                          a job that kills its worker would otherwise be taken again for ever
 */
public record JobSettings(Duration lease, int maxAttempts, Duration retryBase, Duration retryMax,
                          int maxInterruptions) {
}
