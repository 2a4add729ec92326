package dev.mnemograph.node;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A running node: one Vert.x, one database pool shared by its verticles, and the roles it was asked to run
 * (the API, the workers, or both in one process: the embedded default). The roles are found on the classpath
 * ({@link Role}); this class only composes, the logic is in the verticles.
 */
public final class Mnemograph implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Mnemograph.class);

  private final Vertx vertx;
  private final Database database;
  private final int httpPort;
  private final Health health;
  /** In start order: stopped in reverse (the API stops taking requests before the workers stop). */
  private final List<String> deployments;

  private Mnemograph(Vertx vertx, Database database, int httpPort, Health health, List<String> deployments) {
    this.health = health;
    this.deployments = List.copyOf(deployments);
    this.vertx = vertx;
    this.database = database;
    this.httpPort = httpPort;
  }

  /** Starts every role on the classpath; blocks the calling thread (never call it on an event loop). */
  public static Mnemograph start(AppConfig config) {
    return start(config, available(), pool -> { });
  }

  /** The names of the roles on the classpath ("api", "worker"). */
  public static Set<String> available() {
    Set<String> names = new TreeSet<>();
    ServiceLoader.load(Role.class).forEach(r -> names.add(r.name()));
    return names;
  }

  /**
   * @param roles         the roles to run; each must be on the classpath
   * @param beforeServing runs on the calling thread once the database is migrated, before the roles start
   *                      (the first start's default workspace is made there)
   */
  public static Mnemograph start(AppConfig config, Set<String> roles, Consumer<Pool> beforeServing) {
    List<Role> chosen = new ArrayList<>();
    ServiceLoader.load(Role.class).forEach(r -> {
      if (roles.contains(r.name()) && chosen.stream().noneMatch(c -> c.name().equals(r.name()))) {
        chosen.add(r);
      }
    });
    for (String name : roles) {
      if (chosen.stream().noneMatch(r -> r.name().equals(name))) {
        throw new IllegalStateException("This artifact has no '" + name + "' role (it has " + available()
            + "): run mnemograph-" + name + ".jar, or put both jars on the classpath");
      }
    }
    chosen.sort(Comparator.comparingInt(Role::startOrder));
    Metrics metrics = new Metrics();
    if (config.clustered() && config.embeddedDatabase()) {
      throw new IllegalArgumentException("A cluster needs a real PostgreSQL shared by its nodes (database.url): "
          + "the embedded database serves one process");
    }
    VertxOptions options = new VertxOptions().setMetricsOptions(Metrics.options());
    var builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    Vertx vertx = config.clustered()
        ? builder.with(options.setEventBusOptions(Cluster.eventBus(config))).withClusterManager(Cluster.manager(config))
            .buildClustered().await()
        : builder.with(options).build();
    Database database = null;
    try {
      database = Database.open(vertx, config).await();
      Pool pool = database.pool();
      beforeServing.accept(pool);
      int httpPort = -1;
      Health health = new Health(pool, String.join(",", new TreeSet<>(roles)));
      Role.Node node = new Role.Node(config, pool, Set.copyOf(roles), health, metrics);
      List<String> deployments = new ArrayList<>();
      for (Role role : chosen) {
        Set<String> before = Set.copyOf(vertx.deploymentIDs());
        Optional<Integer> port = role.start(vertx, node).await();
        vertx.deploymentIDs().stream().filter(id -> !before.contains(id)).forEach(deployments::add);
        if (port.isPresent()) {
          httpPort = port.get();
        }
      }
      return new Mnemograph(vertx, database, httpPort, health, deployments);
    } catch (RuntimeException e) {
      if (database != null) {
        database.close();
      }
      vertx.close().await();
      throw e;
    }
  }

  /** The API's port, or -1 on a node without the API. */
  public int httpPort() {
    return httpPort;
  }

  public Pool pool() {
    return database.pool();
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful: readiness goes 503, the API finishes the requests in flight and takes no more, the workers
   * finish or hand back their claimed jobs; then the pool and the embedded database close.
   */
  @Override
  public void close() {
    LOG.info("Stopping Mnemograph: not ready any more, finishing requests and jobs in flight");
    health.drain();
    try {
      for (int i = deployments.size() - 1; i >= 0; i--) {
        vertx.undeploy(deployments.get(i)).await();
      }
    } finally {
      database.close();
      vertx.close().await();
    }
  }
}
