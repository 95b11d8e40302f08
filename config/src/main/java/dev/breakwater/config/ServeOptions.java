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

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig of the upstream apiserver (default: $KUBECONFIG, then ~/.kube/config)")
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

  /** Resolves defaults ($KUBECONFIG, ~/.kube/config) and builds the config; call validate() next. */
  public ServeConfig toConfig() {
    Path kc = kubeconfig;
    if (kc == null) {
      String env = System.getenv("KUBECONFIG");
      if (env != null && !env.isBlank()) {
        kc = Path.of(env.split(java.io.File.pathSeparator)[0]);
      } else {
        kc = Path.of(System.getProperty("user.home"), ".kube", "config");
      }
    }
    return new ServeConfig(kc, Optional.ofNullable(context), listen, Optional.ofNullable(adminListen),
        Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), shutdownGrace, upstreamConnectTimeout, cache,
        new CachePolicy(java.util.Set.copyOf(cacheResources), java.util.Set.copyOf(cacheExclude), java.util.Set.copyOf(cacheWarm),
            cacheIdleTimeout));
  }

  /** Lets {@code local} inject the fixture's kubeconfig. */
  public void kubeconfig(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }
}
