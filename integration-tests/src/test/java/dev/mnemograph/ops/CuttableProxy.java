package dev.mnemograph.ops;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of the real database, which a test can cut (every connection dropped,
 * new ones refused) and restore on the same port: a database outage as the service sees one.
 */
final class CuttableProxy implements AutoCloseable {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private int port;

  CuttableProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  /** Starts listening (on a free port the first time, on the same port after a cut); answers the port. */
  int start() {
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      open.add(in);
      client.connect(targetPort, targetHost).onComplete(r -> {
        if (r.failed()) {
          in.close();
          return;
        }
        NetSocket out = r.result();
        open.add(out);
        in.handler(out::write);
        out.handler(in::write);
        in.closeHandler(v -> out.close());
        out.closeHandler(v -> in.close());
        in.resume();
      });
    }).listen(port, "127.0.0.1").await();
    port = server.actualPort();
    return port;
  }

  /** The outage: no new connections, and every open one dropped. */
  void cut() {
    server.close().await();
    open.forEach(NetSocket::close);
    open.clear();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
    open.forEach(NetSocket::close);
    client.close().await();
  }
}
