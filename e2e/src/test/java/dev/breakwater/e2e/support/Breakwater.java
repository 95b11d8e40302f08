package dev.breakwater.e2e.support;

import dev.breakwater.config.HostPort;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.proxy.BreakwaterServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A Breakwater server in front of a cluster, in the test JVM, on a free loopback port, with a
 * plain-HTTP client kubeconfig pointing at it.
 */
public final class Breakwater implements AutoCloseable {

  private final BreakwaterServer server;
  private final Path clientKubeconfig;

  private Breakwater(BreakwaterServer server, Path clientKubeconfig) {
    this.server = server;
    this.clientKubeconfig = clientKubeconfig;
  }

  public static Breakwater inFrontOf(Path upstreamKubeconfig, Optional<String> context) {
    return start(config(upstreamKubeconfig, context));
  }

  /** Loopback listeners on free ports, short grace and connect timeouts, cache off. */
  public static ServeConfig config(Path upstreamKubeconfig, Optional<String> context) {
    return new ServeConfig(upstreamKubeconfig, context, new HostPort("127.0.0.1", 0),
        Optional.of(new HostPort("127.0.0.1", 0)), Optional.empty(), Optional.empty(),
        Duration.ofSeconds(5), Duration.ofSeconds(2));
  }

  /**
   * The {@code --consistent-read-budget} of suites that compare the cache's own answers to consistent GETs and
   * first pages ({@code limit ≤ 500}, kubectl's chunks) with the apiserver's: by default those go upstream at
   * once, so without a budget such a suite would compare the apiserver with itself. Longer than the upstream's
   * ~1.25 s bookmark tick, so the read demands the progress supply and its proof comes.
   */
  public static final Duration CACHE_SERVED_BUDGET = Duration.ofSeconds(3);

  /** {@code c} with small consistent reads served from the cache once proven fresh ({@link #CACHE_SERVED_BUDGET}). */
  public static ServeConfig cacheServed(ServeConfig c) {
    return c.withCachePolicy(c.cachePolicy().withConsistentReadBudget(CACHE_SERVED_BUDGET));
  }

  public static Breakwater start(ServeConfig config) {
    BreakwaterServer server = BreakwaterServer.start(config);
    try {
      Path kc = Files.createTempFile("breakwater-client-", ".kubeconfig");
      dev.breakwater.proxy.Main.writeClientKubeconfig(kc, server.url());
      return new Breakwater(server, kc);
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return server.url();
  }

  public int port() {
    return server.port();
  }

  public int adminPort() {
    return server.adminPort();
  }

  public BreakwaterServer server() {
    return server;
  }

  public Path kubeconfig() {
    return clientKubeconfig;
  }

  /** A fabric8 client that talks to Breakwater (HTTP, no credentials). */
  public KubernetesClient client() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url()).withRequestTimeout(30_000)
        .withConnectionTimeout(5_000).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    server.stop();
    try {
      Files.deleteIfExists(clientKubeconfig);
    } catch (IOException e) {
      // best effort
    }
  }
}
