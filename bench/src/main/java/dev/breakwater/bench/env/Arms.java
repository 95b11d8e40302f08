package dev.breakwater.bench.env;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts an arm in front of the cluster: nothing for direct, a fresh Breakwater or kubectl proxy process otherwise. */
public final class Arms {

  static final Pattern BREAKWATER_SERVING = Pattern.compile("breakwater: serving on (https?://\\S+)");
  static final Pattern BREAKWATER_ADMIN = Pattern.compile("breakwater: admin on (http://\\S+)");
  static final Pattern KUBECTL_SERVING = Pattern.compile("Starting to serve on (\\S+)");

  /** The delegated arm's positive TokenReview / SubjectAccessReview cache TTL. */
  public static final String DELEGATED_TTL = "5m";

  private final BenchCluster cluster;
  private final BreakwaterLaunch launch;
  private final Path logDir;
  private int started;

  public Arms(BenchCluster cluster, BreakwaterLaunch launch, Path logDir) {
    this.cluster = cluster;
    this.launch = launch;
    this.logDir = logDir;
  }

  public BreakwaterLaunch launch() {
    return launch;
  }

  /**
   * Opens {@code arm}; {@code label} names the log file ({@code logs/<label>-breakwater.log}).
   * {@code breakwaterArgs} are extra {@code serve} flags (e.g. {@code --cache-warm}).
   */
  public ArmHandle open(Arm arm, String label, List<String> breakwaterArgs) throws IOException, InterruptedException {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("kube-apiserver", cluster.apiServerPid());
    pids.put("etcd", cluster.etcdPid());
    started++;
    String logName = String.format("%03d-%s-%s.log", started, label, arm.label());
    switch (arm) {
      case DIRECT -> {
        return new ArmHandle(arm, cluster.direct(), pids, Optional.empty(), Optional.empty());
      }
      case BREAKWATER, BREAKWATER_DELEGATED, BREAKWATER_TLS -> {
        List<String> cmd = new ArrayList<>(launch.command());
        cmd.addAll(List.of("serve", "--kubeconfig", cluster.kubeconfig().toString(), "--listen", "127.0.0.1:0",
            "--admin-listen", "127.0.0.1:0", "--shutdown-grace", "1s", "--cache"));
        if (arm == Arm.BREAKWATER_TLS) {
          cmd.addAll(List.of("--tls-cert", cluster.pki().resolve("apiserver.crt").toString(),
              "--tls-key", cluster.pki().resolve("apiserver.key").toString()));
        }
        if (arm == Arm.BREAKWATER_DELEGATED) {
          // Bearer tokens only (no --client-ca-file: Breakwater then needs no impersonate right). The
          // positive review TTLs are raised from their 10 s default so that the decision cache stays
          // warm through a scenario (the figure is the warm cache's); at the default every user costs
          // one TokenReview plus one SubjectAccessReview per distinct request kind per 10 s.
          cmd.addAll(List.of("--auth=delegated", "--tls-cert", cluster.pki().resolve("apiserver.crt").toString(),
              "--tls-key", cluster.pki().resolve("apiserver.key").toString(),
              "--authentication-token-webhook-cache-ttl", DELEGATED_TTL, "--authorization-webhook-cache-authorized-ttl",
              DELEGATED_TTL));
        }
        cmd.addAll(breakwaterArgs);
        ChildProcess p = ChildProcess.start("breakwater", cmd, logDir.resolve(logName));
        try {
          Matcher serving = p.awaitLine(BREAKWATER_SERVING, Duration.ofSeconds(60));
          Matcher admin = p.awaitLine(BREAKWATER_ADMIN, Duration.ofSeconds(10));
          pids.put("breakwater", p.pid());
          URI url = URI.create(serving.group(1));
          Endpoint ep = switch (arm) {
            case BREAKWATER_DELEGATED -> cluster.delegated(url);
            case BREAKWATER_TLS -> cluster.tlsAnonymous(url);
            default -> Endpoint.plain(arm, url);
          };
          return new ArmHandle(arm, ep, pids, Optional.of(p),
              Optional.of(URI.create(admin.group(1))));
        } catch (IOException | InterruptedException | RuntimeException e) {
          p.close();
          throw e;
        }
      }
      case KUBECTL_PROXY -> {
        List<String> cmd = List.of(cluster.binaries().kubectl().toString(), "--kubeconfig", cluster.kubeconfig().toString(),
            "proxy", "--port=0");
        ChildProcess p = ChildProcess.start("kubectl-proxy", cmd, logDir.resolve(logName));
        try {
          Matcher serving = p.awaitLine(KUBECTL_SERVING, Duration.ofSeconds(30));
          pids.put("kubectl-proxy", p.pid());
          return new ArmHandle(arm, Endpoint.plain(arm, URI.create("http://" + serving.group(1))), pids, Optional.of(p),
              Optional.empty());
        } catch (IOException | InterruptedException | RuntimeException e) {
          p.close();
          throw e;
        }
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }
}
