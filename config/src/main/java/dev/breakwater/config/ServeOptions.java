package dev.breakwater.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The command-line flags of {@code breakwater serve}, as a picocli mixin, turned into a
 * {@link ServeConfig} by {@link #toConfig()}. Shared with {@code breakwater local}, which fills
 * in the kubeconfig itself.
 */
public class ServeOptions {

  /** Where a pod's service account is mounted (client-go's rest.InClusterConfig reads the same). */
  public static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  @Option(names = ConfigFile.OPTION, paramLabel = "FILE",
      description = "YAML file of flag values, keyed by the long flag names without dashes (e.g. cache-resources: [configmaps]); "
          + "flags given on the command line override it")
  Path config;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig of the upstream apiserver (default: $KUBECONFIG, then the pod's service account when "
          + "KUBERNETES_SERVICE_HOST is set, then ~/.kube/config)")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: current-context)")
  String context;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8001", converter = HostPortConverter.class,
      description = "main listener, HTTP/1.1 and HTTP/2 (default: ${DEFAULT-VALUE})")
  HostPort listen;

  @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "admin listener for /livez and /readyz (default: none)")
  HostPort adminListen;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS on --listen")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key for --tls-cert")
  Path tlsKey;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "time in-flight requests get to finish on shutdown (default: ${DEFAULT-VALUE})")
  Duration shutdownGrace;

  @Option(names = "--upstream-connect-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
      description = "bound on connecting to the upstream before answering 503 (default: ${DEFAULT-VALUE})")
  Duration upstreamConnectTimeout;

  @Option(names = "--upstream-read-idle-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "ping each upstream HTTP/2 connection this often (client-go's HTTP2_READ_IDLE_TIMEOUT_SECONDS); 0 = never "
          + "(default: ${DEFAULT-VALUE})")
  Duration upstreamReadIdleTimeout;

  @Option(names = "--upstream-ping-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
      description = "close an upstream connection whose ping is not answered within this (client-go's HTTP2_PING_TIMEOUT_SECONDS); "
          + "its watches and requests fail over to a new connection (default: ${DEFAULT-VALUE})")
  Duration upstreamPingTimeout;

  @Option(names = "--upstream-endpoints", paramLabel = "URL", split = ",",
      description = "several endpoints of the upstream cluster (apiservers of one etcd), e.g. https://10.0.0.1:6443,https://10.0.0.2:6443, "
          + "used in place of the kubeconfig's server with its credentials and CA: every request goes to the current one, "
          + "which changes when it refuses connections or answers 502/503 (default: the kubeconfig's server)")
  java.util.List<String> upstreamEndpoints = new java.util.ArrayList<>();

  @Option(names = "--cache", paramLabel = "BOOL", defaultValue = "true", arity = "0..1", fallbackValue = "true",
      description = "serve LIST, GET and WATCH (JSON) from caches fed by one upstream LIST+WATCH per resource; "
          + "--cache=false passes every request through (default: ${DEFAULT-VALUE})")
  boolean cache;

  @Option(names = "--cache-resources", paramLabel = "RESOURCE", split = ",",
      description = "cache only these resources, e.g. configmaps,deployments.apps (default: all that support list and watch)")
  java.util.List<String> cacheResources = new java.util.ArrayList<>();

  @Option(names = "--cache-exclude", paramLabel = "RESOURCE", split = ",", description = "never cache these resources")
  java.util.List<String> cacheExclude = new java.util.ArrayList<>();

  @Option(names = "--cache-warm", paramLabel = "RESOURCE", split = ",", description = "start these caches at launch")
  java.util.List<String> cacheWarm = new java.util.ArrayList<>();

  @Option(names = "--cache-idle-timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "stop a cache unused (no requests, no watchers) for this long; 0 = never (default: ${DEFAULT-VALUE})")
  Duration cacheIdleTimeout;

  @Option(names = "--serve-stale-on-outage", paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "while the upstream is unavailable (refusing connections or answering 5xx for 5s or more), serve consistent "
          + "reads from the cache with a 'Warning: 299' header instead of failing them with 503 (default: ${DEFAULT-VALUE})")
  boolean serveStaleOnOutage;

  @Option(names = "--cache-consistency-check-interval", paramLabel = "DURATION", defaultValue = "5m",
      converter = DurationConverter.class,
      description = "compare each cache with the upstream this often (jittered up to +50 %; an Exact LIST at the cache's RV, "
          + "paged); on a mismatch the cache is rebuilt; 0 = never (default: ${DEFAULT-VALUE})")
  Duration cacheConsistencyCheckInterval;

  @Option(names = "--consistent-read-budget", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
      description = "how long a small consistent read (GET, LIST with limit<=500) waits for the cache to be proven fresh "
          + "before it goes upstream; 0 = upstream at once (default: ${DEFAULT-VALUE})")
  Duration consistentReadBudget;

  @Option(names = "--max-inflight-bytes", paramLabel = "BYTES", converter = ByteSizeConverter.class,
      description = "bytes held for clients and not yet written to their sockets (LIST bodies, watch events), all clients "
          + "together; beyond it new unpaginated LISTs and WatchLists get the apiserver's 429 with Retry-After; 0 = no limit "
          + "(default: a quarter of the max heap)")
  Long maxInflightBytes;

  @Option(names = "--max-watch-queue-bytes", paramLabel = "BYTES", converter = ByteSizeConverter.class,
      description = "bytes one watcher may hold for a slow client; a watcher over it (or over 64Ki while --max-inflight-bytes "
          + "is used up) that makes no progress for 100ms is closed as the apiserver closes an unresponsive watcher; "
          + "0 = no limit (default: max heap / 512, between 256Ki and 8Mi)")
  Long maxWatchQueueBytes;

  // ---- authentication and authorization (issue 14; see AuthConfig) ----
  @Option(names = "--auth", paramLabel = "MODE", defaultValue = "none", converter = AuthModeConverter.class,
      description = "none (Breakwater's identity for every client; loopback --listen only) or delegated "
          + "(TokenReview, client certificates, SubjectAccessReview; needs TLS) (default: ${DEFAULT-VALUE})")
  AuthConfig.Mode auth;
  @Option(names = "--client-ca-file", paramLabel = "FILE", description = "CA bundle for client certificates (user=CN, groups=O)")
  Path clientCaFile;
  @Option(names = "--requestheader-client-ca-file", paramLabel = "FILE", description = "CA of front proxies allowed to send X-Remote-* headers")
  Path requestHeaderCaFile;
  @Option(names = "--requestheader-allowed-names", paramLabel = "CN", split = ",", description = "front-proxy certificate CNs (default: any)")
  java.util.List<String> requestHeaderAllowedNames = new java.util.ArrayList<>();
  @Option(names = "--requestheader-username-headers", paramLabel = "HEADER", split = ",", defaultValue = "X-Remote-User")
  java.util.List<String> requestHeaderUsernameHeaders;
  @Option(names = "--requestheader-group-headers", paramLabel = "HEADER", split = ",", defaultValue = "X-Remote-Group")
  java.util.List<String> requestHeaderGroupHeaders;
  @Option(names = "--requestheader-extra-headers-prefix", paramLabel = "PREFIX", split = ",", defaultValue = "X-Remote-Extra-")
  java.util.List<String> requestHeaderExtraPrefixes;
  @Option(names = "--anonymous-auth", paramLabel = "BOOL", defaultValue = "false", arity = "0..1", fallbackValue = "true",
      description = "treat requests without credentials as system:anonymous instead of answering 401 (default: ${DEFAULT-VALUE})")
  boolean anonymousAuth;
  @Option(names = "--authentication-audiences", paramLabel = "AUD", split = ",", description = "TokenReview audiences (default: the upstream's)")
  java.util.List<String> audiences = new java.util.ArrayList<>();
  @Option(names = "--authentication-token-webhook-cache-ttl", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class)
  Duration tokenCacheTtl;
  @Option(names = "--authentication-token-webhook-cache-negative-ttl", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class)
  Duration tokenCacheNegativeTtl;
  @Option(names = "--authorization-webhook-cache-authorized-ttl", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class)
  Duration allowCacheTtl;
  @Option(names = "--authorization-webhook-cache-unauthorized-ttl", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class)
  Duration denyCacheTtl;
  @Option(names = "--auth-review-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class)
  Duration reviewTimeout;

  /** The {@code --auth*} flags (an unknown {@code --auth} is a usage error, exit 2, at parse time). */
  public AuthConfig authConfig() {
    return new AuthConfig(auth, Optional.ofNullable(clientCaFile), Optional.ofNullable(requestHeaderCaFile),
        requestHeaderAllowedNames, requestHeaderUsernameHeaders, requestHeaderGroupHeaders, requestHeaderExtraPrefixes,
        anonymousAuth, audiences, tokenCacheTtl, tokenCacheNegativeTtl, allowCacheTtl, denyCacheTtl, reviewTimeout);
  }

  /** Resolves defaults (see {@link #upstreamKubeconfig}) and builds the config; call validate() next. */
  public ServeConfig toConfig() {
    return toConfig(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** {@link #toConfig()} with the environment and home directory given (tests). */
  public ServeConfig toConfig(java.util.Map<String, String> env, Path home) {
    Path kc = upstreamKubeconfig(kubeconfig, env, home);
    return new ServeConfig(kc, Optional.ofNullable(context), listen, Optional.ofNullable(adminListen),
        Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), shutdownGrace, upstreamConnectTimeout, cache,
        new CachePolicy(java.util.Set.copyOf(cacheResources), java.util.Set.copyOf(cacheExclude), java.util.Set.copyOf(cacheWarm),
            cacheIdleTimeout, serveStaleOnOutage, cacheConsistencyCheckInterval, consistentReadBudget), authConfig(),
        upstreamEndpoints,
        new MemoryBudget(maxInflightBytes == null ? MemoryBudget.DERIVED : maxInflightBytes,
            maxWatchQueueBytes == null ? MemoryBudget.DERIVED : maxWatchQueueBytes),
        new UpstreamHealth(upstreamReadIdleTimeout, upstreamPingTimeout));
  }

  /**
   * Which kubeconfig names the upstream, in the order controller-runtime uses: {@code --kubeconfig};
   * the first file of {@code $KUBECONFIG}; none (null: the pod's service account, in-cluster) when
   * {@code KUBERNETES_SERVICE_HOST} is set; {@code ~/.kube/config}. Outside a pod with no kubeconfig
   * anywhere, {@code ~/.kube/config} is returned and {@link ServeConfig#validate} says it is missing.
   */
  public static Path upstreamKubeconfig(Path flag, java.util.Map<String, String> env, Path home) {
    if (flag != null) {
      return flag;
    }
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isBlank()) {
      return Path.of(list.split(java.io.File.pathSeparator)[0]);
    }
    String host = env.get("KUBERNETES_SERVICE_HOST");
    if (host != null && !host.isBlank()) {
      return null;
    }
    return home.resolve(".kube").resolve("config");
  }

  /**
   * Parses {@code serve}'s arguments as the CLI does — {@code --config FILE} first, flags over it —
   * into a configuration (not yet validated). For tests and tools that start Breakwater in-process
   * with a chart's rendered arguments.
   *
   * @throws IllegalArgumentException one line, for a bad flag or a bad config file
   */
  public static ServeConfig parse(String... args) {
    return parse(System.getenv(), Path.of(System.getProperty("user.home")), args);
  }

  /** {@link #parse(String...)} with the environment and home directory given (a pod's, in tests). */
  public static ServeConfig parse(java.util.Map<String, String> env, Path home, String... args) {
    @picocli.CommandLine.Command(name = "serve")
    final class Serve {
      @picocli.CommandLine.Mixin ServeOptions options;
    }
    Serve serve = new Serve();
    picocli.CommandLine cl = new picocli.CommandLine(serve);
    try {
      applyConfigFile(cl, args);
      cl.parseArgs(args);
    } catch (picocli.CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return serve.options.toConfig(env, home);
  }

  /**
   * Installs {@code --config FILE} (when {@code args} give one) as {@code command}'s default-value
   * provider, checked against the command's options.
   *
   * @throws ConfigFile.ConfigFileException one line, for a bad file
   */
  public static void applyConfigFile(picocli.CommandLine command, String[] args) {
    Path file = ConfigFile.find(args);
    if (file != null) {
      command.setDefaultValueProvider(ConfigFile.load(file, command.getCommandSpec()));
    }
  }

  /** Lets {@code local} inject the fixture's kubeconfig. */
  public void kubeconfig(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  /** {@code --auth}: none | delegated; anything else is a picocli usage error of one line naming the flag. */
  static final class AuthModeConverter implements picocli.CommandLine.ITypeConverter<AuthConfig.Mode> {
    @Override
    public AuthConfig.Mode convert(String value) {
      try {
        return AuthConfig.Mode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
