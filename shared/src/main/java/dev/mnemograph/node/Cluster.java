package dev.mnemograph.node;

import dev.mnemograph.config.AppConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The clustered event bus: Hazelcast for membership (TCP/IP members from {@code cluster.members}, never
 * multicast), Vert.x's own TCP connections for the messages. Every node binds {@code cluster.host}; Hazelcast
 * takes {@code cluster.port} or the next free one, the event bus a free port.
 */
public final class Cluster {
  private Cluster() {
  }

  public static HazelcastClusterManager manager(AppConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.clusterName());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // a node that is gone is noticed in 10 s rather than 60 (requests to it time out meanwhile)
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(config.clusterPort()).setPortAutoIncrement(true);
    net.getInterfaces().setEnabled(true).addInterface(config.clusterHost());
    net.setPublicAddress(null);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.clusterMembers());
    return new HazelcastClusterManager(hz);
  }

  public static EventBusOptions eventBus(AppConfig config) {
    return new EventBusOptions().setHost(config.clusterHost()).setPort(0);
  }
}
