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
 *
 * <p>Chained (issue 17, item 4: Breakwater behind Breakwater): with {@code -Dbreakwater.e2e.chain=true} every
 * plain-HTTP {@code --auth=none} Breakwater a suite starts is two — an inner one with the suite's configuration in front of the
 * cluster, and the outer one (the one the suite talks to and inspects) with the same configuration in front of the
 * inner one — so the whole differential suite runs through a chain: {@code ./mvnw -B -o -pl e2e -am verify
 * -Dbreakwater.e2e.chain=true -Dtest=…}. {@code --auth=delegated} suites stay single (the inner one would have to
 * authenticate the outer one's impersonation). {@link #inner()} is the inner server then.
 */
public final class Breakwater implements AutoCloseable {

  /** {@code -Dbreakwater.e2e.chain=true}: start every {@code --auth=none} Breakwater as a chain of two. */
  public static final boolean CHAINED = Boolean.getBoolean("breakwater.e2e.chain");

  private final BreakwaterServer server;
  private final Path clientKubeconfig;
  /** The inner Breakwater of a chain, else null. */
  private final Breakwater inner;

  private Breakwater(BreakwaterServer server, Path clientKubeconfig, Breakwater inner) {
    this.server = server;
    this.clientKubeconfig = clientKubeconfig;
    this.inner = inner;
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
    if (CHAINED && config.auth().mode() == dev.breakwater.config.AuthConfig.Mode.NONE && config.tlsCert().isEmpty()) {
      return chain(config);
    }
    return single(config, null);
  }

  /**
   * Two Breakwaters with {@code config}: the inner one in front of {@code config}'s upstream, the outer one in front of
   * the inner one (its plain-HTTP client kubeconfig, no credentials: the inner one acts upstream with its own).
   */
  public static Breakwater chain(ServeConfig config) {
    Breakwater inner = single(config, null);
    try {
      return single(config.withUpstream(inner.kubeconfig(), Optional.empty()), inner);
    } catch (RuntimeException e) {
      inner.close();
      throw e;
    }
  }

  private static Breakwater single(ServeConfig config, Breakwater inner) {
    BreakwaterServer server = BreakwaterServer.start(config);
    try {
      Path kc = Files.createTempFile("breakwater-client-", ".kubeconfig");
      dev.breakwater.proxy.Main.writeClientKubeconfig(kc, server.url());
      return new Breakwater(server, kc, inner);
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  /** The inner Breakwater of a chain ({@link #chain}), if this is one. */
  public Optional<Breakwater> inner() {
    return Optional.ofNullable(inner);
  }

  public String url() {
    return server.url();
  }

  public int port() {
    return server.port();
  }

  /**
   * Appends this Breakwater's reads that went upstream ({@code served="upstream"} and, by reason, {@code
   * breakwater_upstream_reads_total}) to {@code e2e/target/upstream-reads.txt}, one line per counter, tagged with the
   * test class that started it: what issue 17 asks to check over a run of the read tests.
   */
  private void recordUpstreamReads() {
    try {
      String test = StackWalker.getInstance().walk(f -> f.map(StackWalker.StackFrame::getClassName)
          .filter(c -> c.startsWith("dev.breakwater.e2e.") && !c.startsWith("dev.breakwater.e2e.support.")).findFirst())
          .orElse("?");
      StringBuilder out = new StringBuilder();
      for (String line : server.metrics().scrape().lines().toList()) {
        boolean upstreamServed = line.startsWith("breakwater_requests_total{") && line.contains("served=\"upstream\"");
        if ((upstreamServed || line.startsWith("breakwater_upstream_reads_total{")) && !line.endsWith(" 0.0")) {
          out.append(test.substring(test.lastIndexOf('.') + 1)).append(inner != null ? " outer " : " ").append(line).append('\n');
        }
      }
      Path file = Path.of(System.getProperty("breakwater.repo", "."), "e2e", "target", "upstream-reads.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, out, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // a record for the run, never a reason to fail a test
    }
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
    recordUpstreamReads();
    server.stop();
    try {
      Files.deleteIfExists(clientKubeconfig);
    } catch (IOException e) {
      // best effort
    }
    if (inner != null) {
      inner.close();
    }
  }
}
