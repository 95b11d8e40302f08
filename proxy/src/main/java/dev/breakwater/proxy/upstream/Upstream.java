package dev.breakwater.proxy.upstream;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import dev.breakwater.cache.upstream.EndpointSelector;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream kube-apiserver as Breakwater reaches it: one Vert.x {@link HttpClientAgent} for
 * ordinary requests (HTTP/2 over TLS when the server offers it, else HTTP/1.1) and one
 * {@link NetClient} for raw upgrade tunnels (exec, attach, port-forward over SPDY or WebSocket),
 * both with the TLS material of the kubeconfig (CA, client certificate, insecure-skip-verify),
 * plus {@link UpstreamCredentials} for the Authorization header.
 *
 * <p>Endpoints: the kubeconfig's server, or the {@code --upstream-endpoints} (several apiservers of one cluster,
 * sharing the kubeconfig's credentials and CA; each endpoint's certificate must name its host). Every request
 * goes to the current one, as {@link EndpointSelector} decides: {@link #request} fills in the endpoint, and when
 * no connection to it can be made (refused, connect timeout, TLS handshake) it reports that and tries the next one
 * at once — the request was never sent, so this is safe for writes too, as a load balancer's connect retry is;
 * 502/503 answers and every other answer are reported as they arrive. Requests already sent to a failing endpoint
 * fail as they would through a load balancer (the caller answers 503 or retries, as before). Unhealthy endpoints
 * are probed with {@code GET /readyz} every {@link EndpointSelector#RECHECK_INTERVAL} so they can come back; they
 * do not take the traffic back while the current one works. With one endpoint there is no selection at all.
 *
 * <p>Immutable after construction except for the selector's state (synchronized); the Vert.x clients are
 * thread-safe. The health-check timer runs on a Vert.x event loop and never blocks it.
 */
public final class Upstream implements AutoCloseable {

  /** HTTP/2 stream flow-control window toward the upstream (the default is 64 KiB). */
  static final int STREAM_WINDOW_BYTES = 1 << 20;
  /** HTTP/2 connection flow-control window toward the upstream, shared by a connection's streams. */
  static final int CONNECTION_WINDOW_BYTES = 16 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

  /** One apiserver Breakwater may talk to; {@code index} is its number in the {@link EndpointSelector}. */
  public record Endpoint(int index, URI server, String host, int port, boolean tls) {

    static Endpoint of(int index, URI server) {
      boolean tls = "https".equalsIgnoreCase(server.getScheme());
      return new Endpoint(index, server, server.getHost(), server.getPort() > 0 ? server.getPort() : (tls ? 443 : 80), tls);
    }

    /** {@code host:port} as the Host header names it. */
    public String authority() {
      boolean defaultPort = (tls && port == 443) || (!tls && port == 80);
      String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      return defaultPort ? h : h + ":" + port;
    }

    /** The path prefix of the server URL ("" for most clusters; Rancher-style URLs have one). */
    public String basePath() {
      String p = server.getRawPath();
      return p == null || p.equals("/") ? "" : (p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }
  }

  private final List<Endpoint> endpoints;
  private final EndpointSelector selector;
  private final HttpClientAgent http;
  private final NetClient net;
  private final UpstreamCredentials credentials;
  /** Clients without Breakwater's client certificate, for requests carrying a client's bearer token. */
  private final HttpClientAgent bearerHttp;
  private final NetClient bearerNet;
  private volatile dev.breakwater.proxy.metrics.ProxyMetrics metrics;
  private final Vertx vertx;
  private final long healthTimer;
  private final List<Runnable> switchListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Upstream(Vertx vertx, List<URI> servers, Clock clock, HttpClientAgent http, NetClient net, UpstreamCredentials credentials,
      HttpClientAgent bearerHttp, NetClient bearerNet) {
    this.vertx = vertx;
    List<Endpoint> eps = new java.util.ArrayList<>();
    for (URI server : servers) {
      eps.add(Endpoint.of(eps.size(), server));
    }
    this.endpoints = List.copyOf(eps);
    this.selector = new EndpointSelector(servers.stream().map(URI::toString).toList(), clock);
    this.bearerHttp = bearerHttp;
    this.bearerNet = bearerNet;
    this.http = http;
    this.net = net;
    this.credentials = credentials;
    this.healthTimer = endpoints.size() > 1 ? vertx.setPeriodic(1000, id -> checkHealth()) : -1;
  }

  /**
   * Builds the clients for the cluster {@code config} points at.
   *
   * @throws IllegalArgumentException when the server URL or the TLS material cannot be used;
   *     the message is one line fit for the CLI
   */
  public static Upstream create(Vertx vertx, Config config, Duration connectTimeout, Clock clock) {
    return create(vertx, config, List.of(), connectTimeout, clock);
  }

  /**
   * {@link #create(Vertx, Config, Duration, Clock)} with {@code endpoints} (validated {@code --upstream-endpoints})
   * in place of the kubeconfig's server when not empty; all of one scheme.
   *
   * @throws IllegalArgumentException when the endpoints mix http and https
   */
  public static Upstream create(Vertx vertx, Config config, List<URI> endpoints, Duration connectTimeout, Clock clock) {
    return create(vertx, config, endpoints, connectTimeout, clock, dev.breakwater.config.UpstreamHealth.DEFAULT);
  }

  /**
   * {@link #create(Vertx, Config, List, Duration, Clock)} with the connections' health check ({@code
   * --upstream-read-idle-timeout}, {@code --upstream-ping-timeout}; {@link ConnectionKeepalive}).
   */
  public static Upstream create(Vertx vertx, Config config, List<URI> endpoints, Duration connectTimeout, Clock clock,
      dev.breakwater.config.UpstreamHealth health) {
    URI server;
    try {
      String url = config.getMasterUrl();
      // fabric8 normalizes the server URL with a trailing slash; the path prefix is kept without it.
      server = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid upstream server URL \"" + config.getMasterUrl() + "\"");
    }
    if (server.getHost() == null || !(("https".equalsIgnoreCase(server.getScheme())) || "http".equalsIgnoreCase(server.getScheme()))) {
      throw new IllegalArgumentException("invalid upstream server URL \"" + config.getMasterUrl() + "\"");
    }
    List<URI> servers = endpoints.isEmpty() ? List.of(server) : List.copyOf(endpoints);
    boolean tls = "https".equalsIgnoreCase(servers.getFirst().getScheme());
    if (servers.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()) != tls)) {
      throw new IllegalArgumentException("--upstream-endpoints must all be https or all be http");
    }
    int connectMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    // Netty looks for BouncyCastle (on the classpath through fabric8) when it builds the first SSLEngine and, finding
    // it, instantiates its provider, which registers every algorithm: 0.5-6 s on the event loop that opens the first
    // TLS connection (seen as a blocked-thread warning on a loaded machine). Done here, on the caller's thread.
    io.netty.handler.ssl.util.BouncyCastleUtil.isBcProvAvailable();

    HttpClientOptions httpOptions = new HttpClientOptions()
        .setConnectTimeout(connectMs)
        .setKeepAlive(true)
        .setPipelining(false)
        .setDecompressionSupported(false)
        .setHttp2MultiplexingLimit(200)
        // HTTP/2 flow control: with the default 64 KiB windows a relayed LIST page of a few hundred KB
        // waited a WINDOW_UPDATE round trip per 64 KiB (S5: first pages 43 ms p50 vs 14.5 direct). The stream
        // window bounds what one relayed answer may buffer here before back-pressure (a paused response stops
        // returning credit); the connection window is shared by the connection's streams.
        .setInitialSettings(new io.vertx.core.http.Http2Settings().setInitialWindowSize(STREAM_WINDOW_BYTES))
        .setHttp2ConnectionWindowSize(CONNECTION_WINDOW_BYTES)
        // No idle timeout: a watch on a quiet resource without bookmarks may be silent for its
        // whole timeout (up to an hour); the apiserver ends it, not us.
        .setIdleTimeout(0);
    NetClientOptions netOptions = new NetClientOptions().setConnectTimeout(connectMs);
    HttpClientOptions bearerHttpOptions = new HttpClientOptions(httpOptions);
    NetClientOptions bearerNetOptions = new NetClientOptions(netOptions);
    boolean clientCert = false;
    if (tls) {
      httpOptions.setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      netOptions.setSsl(true);
      clientCert = applyTls(config, httpOptions, netOptions, true);
      bearerHttpOptions.setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      bearerNetOptions.setSsl(true);
      applyTls(config, bearerHttpOptions, bearerNetOptions, false);
    } else {
      httpOptions.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(256).setHttp2MaxSize(16).setMaxWaitQueueSize(4096);
    // Every HTTP/2 connection is pinged and closed when it stops answering (client-go's health check).
    io.vertx.core.Handler<io.vertx.core.http.HttpConnection> keepalive = conn -> ConnectionKeepalive.watch(vertx, conn,
        health.readIdleTimeout(), health.pingTimeout(), System::nanoTime);
    HttpClientAgent http = vertx.httpClientBuilder().with(httpOptions).with(pool).withConnectHandler(keepalive).build();
    NetClient net = vertx.createNetClient(netOptions);
    // A client certificate would win over a client's bearer token at the apiserver (x509 comes
    // first in its authenticator union): bearer-token clients get connections without it.
    HttpClientAgent bearerHttp = clientCert
        ? vertx.httpClientBuilder().with(bearerHttpOptions).with(pool).withConnectHandler(keepalive).build() : http;
    NetClient bearerNet = clientCert ? vertx.createNetClient(bearerNetOptions) : net;
    return new Upstream(vertx, servers, clock, http, net, new UpstreamCredentials(config, clock), bearerHttp, bearerNet);
  }

  /** Applies the kubeconfig's TLS material; {@code keys}: with its client certificate. True when one was applied. */
  private static boolean applyTls(Config config, HttpClientOptions http, NetClientOptions net, boolean keys) {
    boolean applied = false;
    try {
      TrustManager[] trust = SSLUtils.trustManagers(config);
      if (trust != null && trust.length > 0) {
        http.setTrustOptions(TrustOptions.wrap(trust[0]));
        net.setTrustOptions(TrustOptions.wrap(trust[0]));
      }
      KeyManager[] kms = keys ? SSLUtils.keyManagers(config) : null;
      if (kms != null && kms.length > 0 && kms[0] instanceof X509KeyManager km) {
        http.setKeyCertOptions(KeyCertOptions.wrap(km));
        net.setKeyCertOptions(KeyCertOptions.wrap(km));
        applied = true;
      }
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot load the kubeconfig's TLS material: " + e.getMessage(), e);
    }
    if (config.isTrustCerts()) {
      http.setTrustAll(true).setVerifyHost(false);
      net.setTrustAll(true).setHostnameVerificationAlgorithm("");
    } else {
      net.setHostnameVerificationAlgorithm("HTTPS");
      http.setVerifyHost(!config.isDisableHostnameVerification());
    }
    return applied;
  }

  /** Upstream connections closed by the health check ({@link ConnectionKeepalive}) in this JVM so far. */
  public static long connectionsClosedUnanswered() {
    return ConnectionKeepalive.CLOSED.get();
  }

  /** The endpoint new requests go to now. */
  public Endpoint endpoint() {
    return endpoints.get(selector.current());
  }

  /** Every endpoint, in the order given. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The endpoint choice (for metrics, logs and tests). */
  public EndpointSelector selector() {
    return selector;
  }

  /** The current endpoint's server URL. */
  public URI server() {
    return endpoint().server();
  }

  public String host() {
    return endpoint().host();
  }

  public int port() {
    return endpoint().port();
  }

  public boolean tls() {
    return endpoint().tls();
  }

  /** {@code host:port} of the current endpoint as the Host header names it. */
  public String authority() {
    return endpoint().authority();
  }

  /** The path prefix of the current endpoint's URL. */
  public String basePath() {
    return endpoint().basePath();
  }

  /**
   * Sends {@code options} to the current endpoint with {@code client} ({@link #http} or {@link #bearerHttp}):
   * {@code options}' URI is the path and query below the endpoint's base path, and its host, port, scheme and URI
   * are filled in here (for each endpoint tried). A connection that cannot be made is reported to the selector and
   * the request is tried on the endpoint it switches to if that one is healthy and was not tried yet; else the
   * future fails with that failure. The answer's status is reported when it arrives (the caller reads it as usual).
   */
  public Future<HttpClientRequest> request(HttpClientAgent client, RequestOptions options) {
    String pathAndQuery = options.getURI();
    if (endpoints.size() == 1) {
      return client.request(target(options, endpoints.getFirst(), pathAndQuery));
    }
    Promise<HttpClientRequest> promise = Promise.promise();
    attempt(client, options, pathAndQuery, endpoint(), new java.util.HashSet<>(), promise);
    return promise.future();
  }

  /** {@link #request(HttpClientAgent, RequestOptions)} with Breakwater's client. */
  public Future<HttpClientRequest> request(RequestOptions options) {
    return request(http, options);
  }

  private static RequestOptions target(RequestOptions options, Endpoint ep, String pathAndQuery) {
    return options.setHost(ep.host()).setPort(ep.port()).setSsl(ep.tls()).setURI(ep.basePath() + pathAndQuery);
  }

  private void attempt(HttpClientAgent client, RequestOptions options, String pathAndQuery, Endpoint ep,
      java.util.Set<Integer> tried, Promise<HttpClientRequest> promise) {
    tried.add(ep.index());
    client.request(target(options, ep, pathAndQuery)).onComplete(ar -> {
      if (ar.succeeded()) {
        HttpClientRequest req = ar.result();
        req.response().onSuccess(resp -> answered(ep, resp.statusCode()));
        promise.complete(req);
        return;
      }
      if (ar.cause() instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
        promise.fail(ar.cause()); // our own queue is full: says nothing of the endpoint
        return;
      }
      Endpoint next = connectFailed(ep, ar.cause());
      // Only a healthy endpoint is worth the wait: with every one down, a request fails after one attempt (two at
      // most: the first failure of an endpoint believed healthy), not after one connect timeout per endpoint.
      if (tried.contains(next.index()) || !selector.healthy(next.index())) {
        promise.fail(ar.cause());
      } else {
        attempt(client, options, pathAndQuery, next, tried, promise);
      }
    });
  }

  /**
   * Runs {@code listener} after every change of the current endpoint (on the thread that noticed it, an event loop:
   * it must not block) — the caches' feeds retry at once instead of waiting out their backoff.
   */
  public void onSwitch(Runnable listener) {
    switchListeners.add(listener);
  }

  private void switched() {
    for (Runnable l : switchListeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.warn("endpoint switch listener failed: {}", e.toString());
      }
    }
  }

  /** No connection to {@code ep} could be made: tells the selector; returns the endpoint to use now. */
  public Endpoint connectFailed(Endpoint ep, Throwable cause) {
    if (endpoints.size() == 1) {
      return ep;
    }
    String why = describe(cause);
    int before = selector.current();
    int now = selector.connectFailed(ep.index(), why);
    if (now != before) {
      LOG.warn("upstream endpoint {} failed ({}); switching to {}", ep.server(), why, endpoints.get(now).server());
      switched();
    }
    return endpoints.get(now);
  }

  /** {@code ep} answered {@code status}: 502/503 count towards failing it, anything else proves it healthy. */
  public void answered(Endpoint ep, int status) {
    if (endpoints.size() == 1) {
      return;
    }
    if (status == 502 || status == 503) {
      int before = selector.current();
      int now = selector.unavailable(ep.index(), "answered " + status);
      if (now != before) {
        LOG.warn("upstream endpoint {} answered {} {} times in a row; switching to {}", ep.server(), status,
            EndpointSelector.SOFT_FAILURES, endpoints.get(now).server());
        switched();
      }
    } else {
      boolean was = selector.healthy(ep.index());
      selector.answered(ep.index());
      if (!was) {
        LOG.info("upstream endpoint {} answers again", ep.server());
      }
    }
  }

  /** Probes the unhealthy endpoints whose check is due ({@code GET /readyz}, Breakwater's credentials). */
  private void checkHealth() {
    for (int i : selector.dueForCheck()) {
      Endpoint ep = endpoints.get(i);
      RequestOptions o = target(get("/readyz", "text/plain", "breakwater-health"), ep, "/readyz").setIdleTimeout(5000);
      WholeAnswer.of(http.request(o)).onComplete(ar -> {
        if (ar.succeeded() && ar.result().status() == 200) {
          selector.checked(i, true, null);
          LOG.info("upstream endpoint {} is ready again", ep.server());
        } else {
          selector.checked(i, false, ar.succeeded() ? "readyz answered " + ar.result().status() : describe(ar.cause()));
        }
      });
    }
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
  }

  public HttpClientAgent http() {
    return http;
  }

  /** Counts upstream requests in {@code metrics} from now on. */
  public void metrics(dev.breakwater.proxy.metrics.ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  /** Records one request sent upstream, by kind (passthrough, reflector, probe, discovery). */
  public void count(String kind) {
    var m = metrics;
    if (m != null) {
      m.upstream(kind);
    }
  }

  /**
   * A GET of {@code pathAndQuery} (below the endpoint's base path) with Breakwater's own credentials, for
   * {@link #request}: the requests caches make upstream (LIST/WATCH, current-RV probes, discovery). Counted.
   */
  public io.vertx.core.http.RequestOptions get(String pathAndQuery, String accept, String userAgent) {
    count(userAgent.startsWith("breakwater-") ? userAgent.substring("breakwater-".length()) : userAgent);
    io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Accept", accept).add("User-Agent", userAgent);
    String auth = credentials.authorization();
    if (auth != null) {
      headers.add("Authorization", auth);
    }
    return new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET).setURI(pathAndQuery).setHeaders(headers);
  }

  public NetClient net() {
    return net;
  }

  /** The HTTP client without Breakwater's client certificate (for a client's own bearer token). */
  public HttpClientAgent bearerHttp() {
    return bearerHttp;
  }

  /** The tunnel client without Breakwater's client certificate. */
  public NetClient bearerNet() {
    return bearerNet;
  }

  public UpstreamCredentials credentials() {
    return credentials;
  }

  @Override
  public void close() {
    if (healthTimer >= 0) {
      vertx.cancelTimer(healthTimer);
    }
    http.close();
    net.close();
    if (bearerHttp != http) {
      bearerHttp.close();
    }
    if (bearerNet != net) {
      bearerNet.close();
    }
  }
}
