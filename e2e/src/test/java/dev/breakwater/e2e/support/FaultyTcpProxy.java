package dev.breakwater.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback port in front of the apiserver, for partitioning Breakwater from its upstream
 * while the apiserver keeps running (and serving other clients): {@link #cut()} resets every connection and
 * refuses new ones (accepts and closes them at once) until {@link #heal()}; {@link #stall()} keeps every connection
 * open and accepts new ones but relays nothing (an upstream that is there and hangs: nothing refuses, nothing
 * answers) until {@link #heal()}; {@link #freezeOpen()} does that to the connections open now only. Bytes are relayed untouched, so TLS goes end to end (the fixture's serving
 * certificate names 127.0.0.1, whatever the port).
 *
 * <p>Threads: one virtual thread accepts; two per connection relay. Thread-safe.
 */
public final class FaultyTcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> frozen = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean stalled;
  private volatile boolean closed;

  public FaultyTcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofVirtual().name("faulty-proxy-accept").start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** A copy of {@code kubeconfig} whose server is this proxy. */
  public Path kubeconfig(Path kubeconfig, int apiServerPort) throws IOException {
    String yaml = Files.readString(kubeconfig).replace("https://127.0.0.1:" + apiServerPort, "https://127.0.0.1:" + port());
    Path p = Files.createTempFile("faulty-proxy-", ".kubeconfig");
    Files.writeString(p, yaml);
    return p;
  }

  /** Resets every open connection and refuses new ones until {@link #heal()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      reset(s);
    }
  }

  /** Holds every byte in both directions (open connections and new ones) until {@link #heal()}. */
  public void stall() {
    stalled = true;
  }

  /**
   * Holds every byte of the connections open now, in both directions, without closing them, until {@link #heal()};
   * new connections relay as usual. A peer that vanished without a reset (a partition, a powered-off node) looks so.
   */
  public void freezeOpen() {
    frozen.addAll(open);
  }

  public void heal() {
    cut = false;
    stalled = false;
    frozen.clear();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (cut) {
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> relay(client, upstream));
        Thread.ofVirtual().start(() -> relay(upstream, client));
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void relay(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        while ((stalled || frozen.contains(from)) && !cut && !closed) {
          Thread.sleep(20);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side is gone: close both
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reset(from);
      reset(to);
    }
  }

  private void reset(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0); // RST, as a partition or a crashed peer looks to the other side
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    cut();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
