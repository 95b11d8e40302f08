package dev.breakwater.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code breakwater serve} needs, validated once at start-up.
 *
 * @param kubeconfig the upstream's kubeconfig (server, CA, client credentials, exec plugins); null =
 *     in-cluster: the pod's service account and {@code KUBERNETES_SERVICE_HOST/PORT}
 * @param context the kubeconfig context to use; empty = the current context
 * @param listen the main listener (HTTP/1.1 and HTTP/2; TLS when tlsCert and tlsKey are given)
 * @param adminListen the admin listener ({@code /livez}, {@code /readyz}); empty = none
 * @param tlsCert PEM certificate chain for the main listener
 * @param tlsKey PEM private key for the main listener
 * @param shutdownGrace how long in-flight requests may run after a stop signal
 * @param upstreamConnectTimeout the bound on reaching the upstream before answering 503
 * @param cacheReads serve LIST, GET and WATCH of cacheable resources (JSON) from caches; off by
 *     default until the read path covers the other representations
 * @param cachePolicy which resources to cache, which to start at once, when to stop idle caches
 * @param auth who may use Breakwater and as whom it acts upstream ({@code --auth*})
 * @param upstreamEndpoints {@code --upstream-endpoints}: several endpoints of the upstream cluster (apiservers on
 *     one etcd) used in place of the kubeconfig's server URL, with its credentials and CA; empty = the
 *     kubeconfig's server only
 * @param memory what Breakwater may hold for its clients ({@code --max-inflight-bytes},
 *     {@code --max-watch-queue-bytes})
 */
public record ServeConfig(
    Path kubeconfig,
    Optional<String> context,
    HostPort listen,
    Optional<HostPort> adminListen,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Duration shutdownGrace,
    Duration upstreamConnectTimeout,
    boolean cacheReads,
    CachePolicy cachePolicy,
    AuthConfig auth,
    List<String> upstreamEndpoints,
    MemoryBudget memory,
    UpstreamHealth upstreamHealth) {

  public ServeConfig {
    upstreamEndpoints = List.copyOf(upstreamEndpoints);
  }

  /** A configuration with the kubeconfig's server as the only upstream endpoint and the memory budget derived from the heap. */
  public ServeConfig(Path kubeconfig, Optional<String> context, HostPort listen, Optional<HostPort> adminListen,
      Optional<Path> tlsCert, Optional<Path> tlsKey, Duration shutdownGrace, Duration upstreamConnectTimeout,
      boolean cacheReads, CachePolicy cachePolicy, AuthConfig auth) {
    this(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads, cachePolicy,
        auth, List.of(), MemoryBudget.DEFAULT, UpstreamHealth.DEFAULT);
  }

  public ServeConfig withUpstreamEndpoints(List<String> endpoints) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads,
        cachePolicy, auth, endpoints, memory, upstreamHealth);
  }

  /** This configuration in front of another upstream: {@code kubeconfig} and its {@code context}, its server only. */
  public ServeConfig withUpstream(Path kubeconfig, Optional<String> context) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads,
        cachePolicy, auth, List.of(), memory, upstreamHealth);
  }

  public ServeConfig withUpstreamHealth(UpstreamHealth h) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads,
        cachePolicy, auth, upstreamEndpoints, memory, h);
  }

  public ServeConfig withMemory(MemoryBudget m) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads, cachePolicy, auth, upstreamEndpoints, m, upstreamHealth);
  }

  /** A configuration with {@code --auth=none}. */
  public ServeConfig(Path kubeconfig, Optional<String> context, HostPort listen, Optional<HostPort> adminListen,
      Optional<Path> tlsCert, Optional<Path> tlsKey, Duration shutdownGrace, Duration upstreamConnectTimeout,
      boolean cacheReads, CachePolicy cachePolicy) {
    this(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads, cachePolicy,
        AuthConfig.NONE);
  }

  public ServeConfig withAuth(AuthConfig a) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads, cachePolicy, a, upstreamEndpoints, memory, upstreamHealth);
  }

  /** A configuration with the cache off. */
  public ServeConfig(Path kubeconfig, Optional<String> context, HostPort listen, Optional<HostPort> adminListen,
      Optional<Path> tlsCert, Optional<Path> tlsKey, Duration shutdownGrace, Duration upstreamConnectTimeout) {
    this(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, false, CachePolicy.DEFAULT);
  }

  public ServeConfig withCacheReads(boolean on) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, on, cachePolicy, auth, upstreamEndpoints, memory, upstreamHealth);
  }

  public ServeConfig withCachePolicy(CachePolicy policy) {
    return new ServeConfig(kubeconfig, context, listen, adminListen, tlsCert, tlsKey, shutdownGrace, upstreamConnectTimeout, cacheReads, policy, auth, upstreamEndpoints, memory, upstreamHealth);
  }

  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Checks what can be checked without a network: files readable, TLS flags paired, durations
   * positive. Returns one message per problem, empty when the configuration is usable.
   */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (kubeconfig != null && (!Files.isReadable(kubeconfig) || Files.isDirectory(kubeconfig))) {
      errors.add("cannot read kubeconfig " + kubeconfig);
    }
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      errors.add("--tls-cert and --tls-key must be given together");
    }
    tlsCert.filter(p -> !Files.isReadable(p)).ifPresent(p -> errors.add("cannot read --tls-cert " + p));
    tlsKey.filter(p -> !Files.isReadable(p)).ifPresent(p -> errors.add("cannot read --tls-key " + p));
    if (shutdownGrace.isNegative()) {
      errors.add("--shutdown-grace must not be negative");
    }
    if (upstreamConnectTimeout.isNegative() || upstreamConnectTimeout.isZero()) {
      errors.add("--upstream-connect-timeout must be positive");
    }
    if (cachePolicy.consistentReadBudget().isNegative()) {
      errors.add("--consistent-read-budget must not be negative");
    }
    if (cachePolicy.idleTimeout().isNegative()) {
      errors.add("--cache-idle-timeout must not be negative");
    }
    if (cachePolicy.consistencyCheckInterval().isNegative()) {
      errors.add("--cache-consistency-check-interval must not be negative");
    }
    if (adminListen.isPresent() && adminListen.get().port() != 0 && adminListen.get().equals(listen)) {
      errors.add("--admin-listen must differ from --listen");
    }
    for (String e : upstreamEndpoints) {
      if (endpoint(e) == null) {
        errors.add("--upstream-endpoints: \"" + e + "\" is not an http(s)://host[:port] URL");
      }
    }
    errors.addAll(upstreamHealth.validate());
    errors.addAll(auth.validate(listen, tls()));
    return errors;
  }

  /** True when the upstream is the pod's own cluster (no kubeconfig). */
  public boolean inCluster() {
    return kubeconfig == null;
  }

  public boolean tls() {
    return tlsCert.isPresent() && tlsKey.isPresent();
  }

  /** {@link #upstreamEndpoints} as URIs (call after {@link #validate}: an invalid entry is an IllegalArgumentException). */
  public List<java.net.URI> upstreamEndpointUris() {
    return upstreamEndpoints.stream().map(e -> {
      java.net.URI u = endpoint(e);
      if (u == null) {
        throw new IllegalArgumentException("--upstream-endpoints: \"" + e + "\" is not an http(s)://host[:port] URL");
      }
      return u;
    }).toList();
  }

  /**
   * One {@code --upstream-endpoints} entry as a URI (surrounding blanks and a trailing slash dropped), or null when
   * it is not an absolute {@code https://} or {@code http://} URL with a host and without user info, query or
   * fragment (what a kubeconfig's server URL may be).
   */
  static java.net.URI endpoint(String text) {
    String t = text.strip();
    java.net.URI e;
    try {
      e = new java.net.URI(t.endsWith("/") ? t.substring(0, t.length() - 1) : t);
    } catch (java.net.URISyntaxException ex) {
      return null;
    }
    String scheme = e.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http")) || e.getHost() == null
        || e.getRawUserInfo() != null || e.getRawQuery() != null || e.getRawFragment() != null) {
      return null;
    }
    return e;
  }
}
