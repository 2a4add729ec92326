package dev.mnemograph.node;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.time.Duration;
import java.util.Set;

/**
 * The node's meters and {@code GET /metrics} in the Prometheus text format. Vert.x's own meters (HTTP server
 * per route template, event bus per address, SQL and worker pools, JVM) come through vertx-micrometer-metrics;
 * ours are named {@code mnemograph_*} (README, "Metrics"). Labels stay bounded: route templates, never raw
 * paths; event-bus addresses are constants.
 */
public final class Metrics {
  public static final String PATH = "/metrics";
  /** Timers that get histogram buckets, so that Prometheus can compute quantiles across nodes. */
  private static final Set<String> HISTOGRAMS = Set.of("vertx.http.server.response.time");

  /** Histogram buckets of every timer we publish: 1 ms to 60 s, in nanoseconds (Micrometer's base for timers). */
  private static final double[] BUCKETS = java.util.stream.Stream.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000,
      2_000, 5_000, 10_000, 30_000, 60_000).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public Metrics() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (HISTOGRAMS.contains(id.getName()) || id.getName().startsWith("mnemograph.")) {
          return DistributionStatisticConfig.builder().serviceLevelObjectives(BUCKETS).build().merge(config);
        }
        return config;
      }
    });
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Options for the Vert.x instance that reports into {@link #registry()}. */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_ROUTE, Label.EB_ADDRESS)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Answers a {@code GET /metrics} request if it is one; false otherwise. */
  public boolean handle(HttpServerRequest request) {
    if (!PATH.equals(request.path())) {
      return false;
    }
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
    return true;
  }
}
