package dev.breakwater.bench.env;

import dev.breakwater.local.FixtureBinaries;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The real etcd + kube-apiserver every arm shares, started once per harness run from the fixture
 * binaries, plus the process ids the samplers need.
 *
 * <p>{@link LocalCluster} does not expose its children's pids, and this module must not change
 * it, so they are found among this JVM's child processes by executable path and by an argument
 * that names this cluster's work directory (etcd's {@code --data-dir}, the apiserver's
 * {@code --token-auth-file}). The apiserver's pid changes on {@link #restartApiServer()}.
 */
public final class BenchCluster implements AutoCloseable {

  private final LocalCluster cluster;
  private final SSLContext ssl;
  private final TrustManager trust;
  private final Endpoint admin;
  private long etcdPid;
  private long apiServerPid;

  private BenchCluster(LocalCluster cluster) throws IOException {
    this.cluster = cluster;
    Config config = tokenConfig(cluster.kubeconfig());
    try {
      this.ssl = SSLUtils.sslContext(config);
      this.trust = SSLUtils.trustManagers(config)[0];
    } catch (Exception e) {
      throw new IOException("cannot build a TLS context from " + cluster.kubeconfig() + ": " + e.getMessage(), e);
    }
    this.admin = direct();
    this.etcdPid = findChild(cluster.binaries().etcd(), cluster.workDir().resolve("etcd").toString());
    this.apiServerPid = findChild(cluster.binaries().kubeApiServer(), cluster.workDir().resolve("tokens.csv").toString());
  }

  public static BenchCluster start(FixtureBinaries binaries) throws IOException, InterruptedException {
    LocalCluster c = LocalCluster.builder().binaries(binaries).build().start();
    try {
      return new BenchCluster(c);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** A new client straight to the apiserver (TLS, the fixture's admin token). */
  public Endpoint direct() {
    return Endpoint.tls(Arm.DIRECT, cluster.server(), ssl, trust, LocalCluster.ADMIN_TOKEN);
  }

  /** The harness's own direct client: writes, deletes and the apiserver's /metrics. Not closed by callers. */
  public Endpoint admin() {
    return admin;
  }

  public LocalCluster local() {
    return cluster;
  }

  public Path kubeconfig() {
    return cluster.kubeconfig();
  }

  public FixtureBinaries binaries() {
    return cluster.binaries();
  }

  public long etcdPid() {
    return etcdPid;
  }

  public long apiServerPid() {
    return apiServerPid;
  }

  /**
   * Kills the apiserver and starts a new one on the same port (etcd keeps its data), so a memory
   * measurement starts from a process that has not served the previous arm. SIGKILL rather than a
   * graceful stop: nothing is connected at that point, and it saves a second. Returns once
   * {@code /readyz} answers 200.
   */
  public void restartApiServer() throws IOException, InterruptedException {
    cluster.killApiServer();
    cluster.startApiServer();
    apiServerPid = findChild(cluster.binaries().kubeApiServer(), cluster.workDir().resolve("tokens.csv").toString());
  }

  private static long findChild(Path executable, String argument) throws IOException {
    List<ProcessHandle> matches = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> Path.of(c).equals(executable)).orElse(false))
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(argument)).orElse(false))
        .toList();
    if (matches.size() != 1) {
      throw new IOException("expected one child process " + executable + " with " + argument + ", found " + matches.size());
    }
    return matches.getFirst().pid();
  }

  /** The kubeconfig's {@code local-token} context: the fixture's CA and admin bearer token. */
  static Config tokenConfig(Path kubeconfig) throws IOException {
    return Config.fromKubeconfig("local-token", Files.readString(kubeconfig), kubeconfig.toString());
  }

  public Optional<Path> workDir() {
    return Optional.of(cluster.workDir());
  }

  @Override
  public void close() {
    admin.close();
    cluster.close();
  }
}
