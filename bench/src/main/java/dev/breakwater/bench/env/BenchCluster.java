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
    LocalCluster.Builder b = LocalCluster.builder().binaries(binaries);
    for (int i = 0; i < USERS; i++) {
      b.token(userToken(i), userName(i), "bench-uid-" + i);
    }
    LocalCluster c = b.build().start();
    try {
      BenchCluster bc = new BenchCluster(c);
      bc.bindUsers();
      return bc;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Distinct users in the token file for the delegated-auth arm, no groups but
   * system:authenticated; a ClusterRole binds each to get/list/watch on configmaps, all that S3
   * and S5 read.
   */
  public static final int USERS = 50;

  static String userToken(int i) {
    return "bench-user-token-" + i;
  }

  static String userName(int i) {
    return "bench-user-" + i;
  }

  /** The {@link #USERS} users' bearer tokens. */
  public static List<String> userTokens() {
    return java.util.stream.IntStream.range(0, USERS).mapToObj(BenchCluster::userToken).toList();
  }

  /** ClusterRole bench-configmap-reader (get/list/watch configmaps) bound to every bench user by name. */
  private void bindUsers() throws IOException, InterruptedException {
    String role = """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"bench-configmap-reader"},
         "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch"]}]}""";
    StringBuilder subjects = new StringBuilder();
    for (int i = 0; i < USERS; i++) {
      subjects.append(i == 0 ? "" : ",").append("{\"kind\":\"User\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"")
          .append(userName(i)).append("\"}");
    }
    String binding = """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bench-configmap-reader"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"bench-configmap-reader"},
         "subjects":[%s]}""".formatted(subjects);
    post("/apis/rbac.authorization.k8s.io/v1/clusterroles", role);
    post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", binding);
  }

  private void post(String path, String json) throws IOException, InterruptedException {
    var r = admin.http().send(admin.request(path).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).timeout(java.time.Duration.ofSeconds(30)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /** A client of {@code base} (Breakwater's TLS listener, the fixture's serving certificate) sending the users' tokens in turn. */
  public Endpoint delegated(java.net.URI base) {
    return Endpoint.tlsUsers(Arm.BREAKWATER_DELEGATED, base, ssl, trust, userTokens());
  }

  /** A client of {@code base} (Breakwater's TLS listener with --auth=none) that sends no credentials. */
  public Endpoint tlsAnonymous(java.net.URI base) {
    return Endpoint.tlsUsers(Arm.BREAKWATER_TLS, base, ssl, trust, List.of());
  }

  /** The fixture's PKI directory (ca.crt, apiserver.crt/.key: the serving certificate, SANs 127.0.0.1 and localhost). */
  public Path pki() {
    return cluster.workDir().resolve("pki");
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

  /**
   * Stops the apiserver gracefully (SIGTERM: it closes its watches and drains; SIGKILL after 10 s)
   * and starts a new one on the same port, etcd keeping its data, as a rolling restart of a control
   * plane does. Clients may be connected: that is the point (S8). Returns once {@code /readyz}
   * answers 200; {@link #apiServerPid()} is then the new process's. Returns how long the stop took
   * (10 s or more: the apiserver did not exit on SIGTERM and was killed).
   */
  public java.time.Duration restartApiServerGracefully() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    cluster.stopApiServer();
    java.time.Duration stop = java.time.Duration.ofNanos(System.nanoTime() - t0);
    cluster.startApiServer();
    apiServerPid = findChild(cluster.binaries().kubeApiServer(), cluster.workDir().resolve("tokens.csv").toString());
    return stop;
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
