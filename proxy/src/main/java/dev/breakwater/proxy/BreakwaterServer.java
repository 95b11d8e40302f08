package dev.breakwater.proxy;

import dev.breakwater.config.HostPort;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.proxy.cache.CacheManager;
import dev.breakwater.proxy.http.CachingReadHandler;
import dev.breakwater.proxy.http.InFlight;
import dev.breakwater.proxy.http.PassThroughHandler;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Breakwater process: the main listener (HTTP/1.1 and HTTP/2, TLS when configured) that
 * passes requests to the upstream, and the optional admin listener ({@code /livez},
 * {@code /readyz}, {@code /metrics} in Prometheus format) kept apart so that {@code /readyz}, {@code /livez} and {@code /version} on the
 * main listener reach the upstream like any other path.
 *
 * <p>Lifecycle: {@link #start} binds both listeners; {@link #stop} stops accepting, ends
 * long-running streams cleanly, lets other in-flight requests finish within the configured
 * grace, then closes Vert.x. Both are idempotent and safe from any non-event-loop thread.
 */
public final class BreakwaterServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BreakwaterServer.class);

  private final ServeConfig config;
  private final Vertx vertx;
  private final Upstream upstream;
  private final InFlight inFlight = new InFlight();
  private final dev.breakwater.proxy.metrics.ProxyMetrics metrics = new dev.breakwater.proxy.metrics.ProxyMetrics();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private HttpServer main;
  private HttpServer admin;
  private long refreshTimer = -1;
  private CacheManager caches;
  private CachingReadHandler cachingHandler;
  /** How long {@code /readyz} waits for {@code --cache-warm} caches to sync. */
  static final java.time.Duration WARM_UP_BOUND = java.time.Duration.ofMinutes(2);
  private final Clock clock;
  private final java.time.Instant warmUpDeadline;
  /** Set once the warm-up is over (admin event loop; volatile for the other readers). */
  private volatile boolean warm;

  private BreakwaterServer(ServeConfig config, Vertx vertx, Upstream upstream) {
    this.config = config;
    this.vertx = vertx;
    this.upstream = upstream;
    this.clock = Clock.systemUTC();
    this.warmUpDeadline = clock.instant().plus(WARM_UP_BOUND);
  }

  /**
   * Loads the kubeconfig, builds the upstream clients and binds the listeners.
   *
   * @throws IllegalArgumentException for an unusable kubeconfig or TLS material (one-line message)
   * @throws IllegalStateException when a listener cannot bind
   */
  public static BreakwaterServer start(ServeConfig config) {
    return start(config, loadKubeconfig(config));
  }

  /**
   * {@link #start(ServeConfig)} with the upstream's fabric8 {@link Config} already built (tests
   * that stand in for a pod: {@link dev.breakwater.proxy.upstream.InClusterConfig#load} with a
   * given environment and service-account directory).
   */
  public static BreakwaterServer start(ServeConfig config, Config kube) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    BreakwaterServer server;
    try {
      server = new BreakwaterServer(config, vertx, Upstream.create(vertx, kube, config.upstreamEndpointUris(), config.upstreamConnectTimeout(), Clock.systemUTC(),
          config.upstreamHealth()));
      server.bind();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return server;
  }

  static Config loadKubeconfig(ServeConfig config) {
    if (config.inCluster()) {
      return dev.breakwater.proxy.upstream.InClusterConfig.load(System.getenv(), dev.breakwater.config.ServeOptions.SERVICE_ACCOUNT_DIR);
    }
    String text;
    try {
      text = Files.readString(config.kubeconfig());
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read kubeconfig " + config.kubeconfig() + ": " + e.getMessage());
    }
    try {
      Config c = Config.fromKubeconfig(config.context().orElse(null), text, config.kubeconfig().toAbsolutePath().toString());
      if (c.getMasterUrl() == null || c.getMasterUrl().isBlank()) {
        throw new IllegalArgumentException("kubeconfig " + config.kubeconfig() + " names no server");
      }
      if (config.context().isPresent() && c.getCurrentContext() != null
          && !config.context().get().equals(c.getCurrentContext().getName())) {
        throw new IllegalArgumentException("context \"" + config.context().get() + "\" not found in " + config.kubeconfig());
      }
      return c;
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException("cannot load kubeconfig " + config.kubeconfig() + ": " + m.lines().findFirst().orElse(m));
    }
  }

  /** The client listener's limits on a request line and on its headers (beyond them: 414 / 431). */
  public static final int MAX_INITIAL_LINE_LENGTH = 64 * 1024;
  public static final int MAX_HEADER_SIZE = 256 * 1024;

  private void bind() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.listen().host())
        .setPort(config.listen().port())
        .setHandle100ContinueAutomatically(true)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        // The upgrade tunnel hands the raw connection over; no WebSocket codec may sit in its way.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
        .setMaxHeaderSize(MAX_HEADER_SIZE);
    if (config.tls()) {
      options.setSsl(true)
          .setUseAlpn(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(config.tlsCert().orElseThrow().toString())
              .setKeyPath(config.tlsKey().orElseThrow().toString()));
    }
    dev.breakwater.config.AuthConfig auth = config.auth();
    List<java.security.cert.X509Certificate> clientCas = List.of();
    List<java.security.cert.X509Certificate> frontProxyCas = List.of();
    if (auth.delegated()) {
      clientCas = auth.clientCaFile().map(p -> ClientTls.readCertificates(p, "--client-ca-file")).orElse(List.of());
      frontProxyCas = auth.requestHeaderCaFile().map(p -> ClientTls.readCertificates(p, "--requestheader-client-ca-file")).orElse(List.of());
      if (!clientCas.isEmpty() || !frontProxyCas.isEmpty()) {
        ClientTls.requestClientCertificates(options, clientCas, frontProxyCas);
      }
    }
    PassThroughHandler passThrough = new PassThroughHandler(vertx, upstream, inFlight, auth.delegated());
    io.vertx.core.Handler<HttpServerRequest> handler = passThrough;
    upstream.metrics(metrics);
    metrics.upstreamEndpoints(upstream.selector());
    if (config.cacheReads()) {
      caches = new CacheManager(upstream, metrics, config.cachePolicy());
      caches.start();
      cachingHandler = new CachingReadHandler(vertx, passThrough, caches, metrics,
          dev.breakwater.cache.delegator.StaleReads.onOutage(config.cachePolicy().serveStaleOnOutage()),
          config.cachePolicy().consistentReadBudget(),
          dev.breakwater.proxy.http.ClientMemory.of(config.memory(), Runtime.getRuntime().maxMemory()));
      handler = cachingHandler;
    }
    if (auth.delegated()) {
      // authentication → impersonation → authorization, then the cache or the pass-through.
      handler = new dev.breakwater.proxy.auth.AuthGate(vertx, handler, passThrough, auth, clientCas, frontProxyCas,
          new dev.breakwater.proxy.auth.Reviewer(vertx, upstream, auth.reviewTimeout(), metrics), metrics, Clock.systemUTC());
    }
    try {
      main = vertx.createHttpServer(options).requestHandler(handler).listen().await();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
    if (config.adminListen().isPresent()) {
      HostPort a = config.adminListen().get();
      try {
        admin = vertx.createHttpServer(new HttpServerOptions().setHost(a.host()).setPort(a.port()))
            .requestHandler(this::admin).listen().await();
      } catch (Exception e) {
        main.close().await();
        throw new IllegalStateException("cannot listen on " + a + " (admin): " + e.getMessage(), e);
      }
    }
    refreshTimer = vertx.setPeriodic(15_000, id -> {
      if (upstream.credentials().refreshDue()) {
        vertx.executeBlocking(() -> {
          upstream.credentials().refreshIfDue(false);
          return null;
        }, false);
      }
    });
  }

  private void admin(HttpServerRequest req) {
    switch (req.path()) {
      case "/livez", "/healthz" -> req.response().putHeader("Content-Type", "text/plain").end("ok");
      case "/metrics" -> vertx.executeBlocking(metrics::scrape).onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
        } else {
          req.response().setStatusCode(500).end();
        }
      });
      case "/readyz" -> {
        List<String> warming = warming();
        if (stopping.get()) {
          req.response().setStatusCode(503).putHeader("Content-Type", "text/plain").end("shutting down");
        } else if (!warming.isEmpty()) {
          StringBuilder b = new StringBuilder();
          warming.forEach(w -> b.append("[-]cache-warm:").append(w).append(" not synced\n"));
          req.response().setStatusCode(503).putHeader("Content-Type", "text/plain").end(b.append("readyz check failed\n").toString());
        } else if (req.params().contains("verbose")) {
          req.response().putHeader("Content-Type", "text/plain").end(readyzVerbose());
        } else {
          req.response().putHeader("Content-Type", "text/plain").end("ok");
        }
      }
      default -> req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404 page not found\n");
    }
  }

  /**
   * Readiness waits for the warm-up: until the caches {@code --cache-warm} names have synced (or been refused), so a new
   * replica of a rolling update takes traffic warm rather than making its first clients wait for the LIST; at most
   * {@link #WARM_UP_BOUND} after start (the chart's startup probe allows 300 s), after which a cache that still cannot
   * sync serves as any cold cache does. Once warm, it stays so: a cache rebuilt later keeps its replica in the Service.
   */
  private List<String> warming() {
    if (warm || caches == null) {
      return List.of();
    }
    List<String> pending = caches.warming();
    if (pending.isEmpty() || clock.instant().isAfter(warmUpDeadline)) {
      if (!pending.isEmpty()) {
        LOG.warn("ready without warm caches {} after {}", pending, WARM_UP_BOUND);
      }
      warm = true;
      return List.of();
    }
    return pending;
  }

  /**
   * {@code /readyz?verbose}, in the apiserver's check-list style: one line per running cache, {@code [+]cache:R ok}
   * or {@code [-]cache:R degraded: upstream unavailable for Ns: cause} (issue 16). A degraded cache still serves
   * what it holds (consistent reads that cannot be confirmed go upstream and fail as it fails), so Breakwater
   * stays ready: taking every replica out of a Service during an upstream outage would turn a degraded cache
   * into no answer at all.
   */
  private String readyzVerbose() {
    StringBuilder b = new StringBuilder();
    caches().ifPresent(m -> m.health().forEach((name, st) -> {
      if (st.available()) {
        b.append("[+]cache:").append(name).append(" ok\n");
      } else {
        b.append("[-]cache:").append(name).append(" degraded: upstream unavailable for ").append(st.degradedFor().toSeconds())
            .append("s: ").append(st.cause().replace('\n', ' ')).append('\n');
      }
    }));
    return b.append("readyz check passed\n").toString();
  }

  /** The bound main port (useful with port 0). */
  public int port() {
    return main.actualPort();
  }

  public int adminPort() {
    return admin == null ? -1 : admin.actualPort();
  }

  public String url() {
    String host = config.listen().host().contains(":") ? "[" + config.listen().host() + "]" : config.listen().host();
    return (config.tls() ? "https://" : "http://") + host + ":" + port();
  }

  /** Breakwater's own metrics; for tests. */
  public dev.breakwater.proxy.metrics.ProxyMetrics metrics() {
    return metrics;
  }

  public Upstream upstream() {
    return upstream;
  }

  /** The caches, when {@code --cache} is on; for tests and metrics. */
  public java.util.Optional<CacheManager> caches() {
    return java.util.Optional.ofNullable(caches);
  }

  /** How reads were answered, when {@code --cache} is on; for tests and metrics. */
  public java.util.Optional<dev.breakwater.proxy.http.ReadStats> readStats() {
    return java.util.Optional.ofNullable(cachingHandler).map(CachingReadHandler::stats);
  }

  /** Streams (watches, followed logs) in flight; for tests and metrics. */
  public int streamsInFlight() {
    return inFlight.size();
  }

  /** Graceful stop; see the class comment. */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    long graceMs = config.shutdownGrace().toMillis();
    LOG.info("stopping: ending {} streams, waiting up to {} ms for in-flight requests", inFlight.size(), graceMs);
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    Future<Void> shutdown = main.shutdown(graceMs, TimeUnit.MILLISECONDS);
    inFlight.endAll();
    try {
      shutdown.await(graceMs + 2_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("in-flight requests did not finish within the grace period: {}", e.toString());
    }
    if (admin != null) {
      admin.close();
    }
    if (caches != null) {
      caches.close();
    }
    upstream.close();
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close in time: {}", e.toString());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
