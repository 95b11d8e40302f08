package dev.breakwater.proxy.upstream;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.vertx.core.Vertx;
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

/**
 * The upstream kube-apiserver as Breakwater reaches it: one Vert.x {@link HttpClientAgent} for
 * ordinary requests (HTTP/2 over TLS when the server offers it, else HTTP/1.1) and one
 * {@link NetClient} for raw upgrade tunnels (exec, attach, port-forward over SPDY or WebSocket),
 * both with the TLS material of the kubeconfig (CA, client certificate, insecure-skip-verify),
 * plus {@link UpstreamCredentials} for the Authorization header.
 *
 * <p>Immutable after construction; the Vert.x clients are thread-safe.
 */
public final class Upstream implements AutoCloseable {

  /** HTTP/2 stream flow-control window toward the upstream (the default is 64 KiB). */
  static final int STREAM_WINDOW_BYTES = 1 << 20;
  /** HTTP/2 connection flow-control window toward the upstream, shared by a connection's streams. */
  static final int CONNECTION_WINDOW_BYTES = 16 << 20;

  private final URI server;
  private final String host;
  private final int port;
  private final boolean tls;
  private final HttpClientAgent http;
  private final NetClient net;
  private final UpstreamCredentials credentials;
  /** Clients without Breakwater's client certificate, for requests carrying a client's bearer token. */
  private final HttpClientAgent bearerHttp;
  private final NetClient bearerNet;
  private volatile dev.breakwater.proxy.metrics.ProxyMetrics metrics;

  private Upstream(URI server, HttpClientAgent http, NetClient net, UpstreamCredentials credentials,
      HttpClientAgent bearerHttp, NetClient bearerNet) {
    this.bearerHttp = bearerHttp;
    this.bearerNet = bearerNet;
    this.server = server;
    this.host = server.getHost();
    this.tls = "https".equalsIgnoreCase(server.getScheme());
    this.port = server.getPort() > 0 ? server.getPort() : (tls ? 443 : 80);
    this.http = http;
    this.net = net;
    this.credentials = credentials;
  }

  /**
   * Builds the clients for the cluster {@code config} points at.
   *
   * @throws IllegalArgumentException when the server URL or the TLS material cannot be used;
   *     the message is one line fit for the CLI
   */
  public static Upstream create(Vertx vertx, Config config, Duration connectTimeout, Clock clock) {
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
    boolean tls = "https".equalsIgnoreCase(server.getScheme());
    int connectMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());

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
    HttpClientAgent http = vertx.createHttpClient(httpOptions, pool);
    NetClient net = vertx.createNetClient(netOptions);
    // A client certificate would win over a client's bearer token at the apiserver (x509 comes
    // first in its authenticator union): bearer-token clients get connections without it.
    HttpClientAgent bearerHttp = clientCert ? vertx.createHttpClient(bearerHttpOptions, pool) : http;
    NetClient bearerNet = clientCert ? vertx.createNetClient(bearerNetOptions) : net;
    return new Upstream(server, http, net, new UpstreamCredentials(config, clock), bearerHttp, bearerNet);
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

  public URI server() {
    return server;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public boolean tls() {
    return tls;
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

  public HttpClientAgent http() {
    return http;
  }

  /**
   * A GET of {@code pathAndQuery} (below the server URL's base path) with Breakwater's own
   * credentials: the requests caches make upstream (LIST/WATCH, current-RV probes, discovery).
   */
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

  public io.vertx.core.http.RequestOptions get(String pathAndQuery, String accept, String userAgent) {
    count(userAgent.startsWith("breakwater-") ? userAgent.substring("breakwater-".length()) : userAgent);
    io.vertx.core.MultiMap headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Accept", accept).add("User-Agent", userAgent);
    String auth = credentials.authorization();
    if (auth != null) {
      headers.add("Authorization", auth);
    }
    return new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.GET).setHost(host).setPort(port)
        .setSsl(tls).setURI(basePath() + pathAndQuery).setHeaders(headers);
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
