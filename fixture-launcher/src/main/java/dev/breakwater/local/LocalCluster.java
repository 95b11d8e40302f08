package dev.breakwater.local;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A real etcd + kube-apiserver 1.36.3 on loopback, from the binaries {@code e2e/fixture/build.sh}
 * builds. Used by {@code breakwater local} and by the e2e tests.
 *
 * <p>Why not kube-api-test alone: it shares one certificate directory between instances, while
 * tests here need a directory per instance, extra flags (short etcd compaction, feature gates)
 * and a stop/restart of the apiserver on the same port. The binaries are in kube-api-test's
 * offline layout, and an e2e test starts them with kube-api-test too.
 *
 * <p>Each instance owns a work directory with its PKI (from {@code fixture-certs}), etcd data,
 * logs, a static token file and a kubeconfig with two contexts: {@code local} (client
 * certificate, O=system:masters) and {@code local-token} (bearer token, also system:masters).
 * Ports are free loopback ports. {@link #close()} always stops both processes (a JVM shutdown
 * hook covers abnormal exits) and deletes the work directory unless it was given by the caller.
 *
 * <p>Not thread-safe: one owner thread starts, restarts and closes it.
 */
public final class LocalCluster implements AutoCloseable {

  public static final String ADMIN_TOKEN = "breakwater-fixture-admin-token";

  private final FixtureBinaries bins;
  private final Path workDir;
  private final boolean ownsWorkDir;
  private final List<String> extraApiServerFlags;
  private final List<String> extraEtcdFlags;
  private final List<String> extraTokens;
  private final Duration startTimeout;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiServerPort;
  private final Thread shutdownHook;
  private Process etcd;
  private Process apiServer;
  /** The second apiserver on the same etcd ({@link #startSecondApiServer}); its port is chosen on first start. */
  private Process secondApiServer;
  private int secondApiServerPort;
  private boolean closed;

  private LocalCluster(Builder b) throws IOException {
    this.bins = b.binaries != null ? b.binaries : FixtureBinaries.locate();
    List<String> missing = bins.missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("fixture binaries missing in " + bins.dir() + ": " + missing
          + " (run e2e/fixture/build.sh)");
    }
    this.ownsWorkDir = b.workDir == null;
    this.workDir = b.workDir != null ? Files.createDirectories(b.workDir) : Files.createTempDirectory("breakwater-cluster-");
    this.extraApiServerFlags = List.copyOf(b.apiServerFlags);
    this.extraEtcdFlags = List.copyOf(b.etcdFlags);
    this.extraTokens = List.copyOf(b.tokens);
    this.startTimeout = b.startTimeout;
    this.etcdPort = freePort();
    this.etcdPeerPort = freePort();
    this.apiServerPort = freePort();
    this.shutdownHook = new Thread(this::destroyProcesses, "local-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts etcd and kube-apiserver and waits until {@code /readyz} answers 200. */
  public LocalCluster start() throws IOException, InterruptedException {
    try {
      run(List.of(bins.fixtureCerts().toString(), "--dir", pki().toString()), Duration.ofSeconds(60));
      StringBuilder tokens = new StringBuilder(ADMIN_TOKEN + ",token-admin,token-admin-uid,system:masters\n");
      extraTokens.forEach(t -> tokens.append(t).append('\n'));
      Files.writeString(workDir.resolve("tokens.csv"), tokens.toString());
      writeKubeconfig();
      startEtcd();
      startApiServer();
      return this;
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startEtcd() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        bins.etcd().toString(),
        "--name", "default",
        "--data-dir", workDir.resolve("etcd").toString(),
        "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
        "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
        "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster", "default=http://127.0.0.1:" + etcdPeerPort,
        "--unsafe-no-fsync",
        "--quota-backend-bytes", String.valueOf(8L << 30),
        "--log-level", "warn"));
    cmd.addAll(extraEtcdFlags);
    etcd = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("etcd.log").toFile())).start();
  }

  /** Starts (or starts again, on the same port) the apiserver and waits for readiness. */
  public void startApiServer() throws IOException, InterruptedException {
    if (apiServer != null && apiServer.isAlive()) {
      return;
    }
    apiServer = launchApiServer(apiServerPort, "kube-apiserver.log", List.of());
    awaitReady(apiServer, server(), "kube-apiserver.log");
  }

  /**
   * Starts (or starts again, on the same port) a second kube-apiserver on the same etcd — an HA control plane of
   * two — and waits for its readiness. Same flags, certificates, token file and service-account keys as the first,
   * so the kubeconfig's credentials and service-account tokens are valid on both, and the same serving certificate
   * (it names 127.0.0.1). It does not reconcile the {@code kubernetes} Service's endpoints (both advertise
   * 127.0.0.1 with different ports and would rewrite them in turn). Log: {@code kube-apiserver-2.log}.
   */
  public void startSecondApiServer() throws IOException, InterruptedException {
    if (secondApiServer != null && secondApiServer.isAlive()) {
      return;
    }
    if (secondApiServerPort == 0) {
      secondApiServerPort = freePort();
    }
    secondApiServer = launchApiServer(secondApiServerPort, "kube-apiserver-2.log", List.of("--endpoint-reconciler-type=none"));
    awaitReady(secondApiServer, secondServer(), "kube-apiserver-2.log");
  }

  /** The second apiserver's URL (its port is chosen when it first starts). */
  public URI secondServer() {
    if (secondApiServerPort == 0) {
      throw new IllegalStateException("the second apiserver was never started");
    }
    return URI.create("https://127.0.0.1:" + secondApiServerPort);
  }

  /** Stops the second apiserver (SIGTERM, then SIGKILL after 10 s). */
  public void stopSecondApiServer() throws InterruptedException {
    stop(secondApiServer);
  }

  /** Kills the second apiserver at once (SIGKILL). */
  public void killSecondApiServer() throws InterruptedException {
    kill(secondApiServer);
  }

  public boolean secondApiServerRunning() {
    return secondApiServer != null && secondApiServer.isAlive();
  }

  private Process launchApiServer(int port, String log, List<String> more) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        bins.kubeApiServer().toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + port,
        "--cert-dir=" + pki(),
        "--tls-cert-file=" + pki().resolve("apiserver.crt"),
        "--tls-private-key-file=" + pki().resolve("apiserver.key"),
        "--client-ca-file=" + pki().resolve("ca.crt"),
        "--token-auth-file=" + workDir.resolve("tokens.csv"),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + pki().resolve("sa.pub"),
        "--service-account-signing-key-file=" + pki().resolve("sa.key"),
        "--service-cluster-ip-range=10.0.0.0/24",
        "--authorization-mode=RBAC",
        // No controller-manager runs here to create the "default" ServiceAccount pods would need.
        "--disable-admission-plugins=ServiceAccount",
        "--kubelet-preferred-address-types=InternalIP",
        "--v=1"));
    cmd.addAll(extraApiServerFlags);
    cmd.addAll(more);
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve(log).toFile())).start();
  }

  /** Stops the apiserver (SIGTERM, then SIGKILL after 10 s); etcd keeps running. */
  public void stopApiServer() throws InterruptedException {
    stop(apiServer);
  }

  /** Kills the apiserver at once (SIGKILL), as a crash would. */
  public void killApiServer() throws InterruptedException {
    kill(apiServer);
  }

  private static void kill(Process p) throws InterruptedException {
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitReady(Process apiServer, URI server, String log) throws IOException, InterruptedException {
    SSLContext ssl;
    try {
      ssl = SSLUtils.sslContext(Config.fromKubeconfig(null, Files.readString(kubeconfig()), kubeconfig().toString()));
    } catch (Exception e) {
      throw new IOException("cannot build TLS context for the fixture: " + e.getMessage(), e);
    }
    Instant deadline = Instant.now().plus(startTimeout);
    try (HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest req = HttpRequest.newBuilder(server.resolve("/readyz")).timeout(Duration.ofSeconds(5)).build();
      while (Instant.now().isBefore(deadline)) {
        if (!apiServer.isAlive()) {
          throw new IOException("kube-apiserver exited with " + apiServer.exitValue() + "; log tail:\n" + tail(log));
        }
        if (!etcd.isAlive()) {
          throw new IOException("etcd exited with " + etcd.exitValue() + "; log tail:\n" + tail("etcd.log"));
        }
        try {
          if (client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(200);
      }
    }
    throw new IOException("kube-apiserver not ready within " + startTimeout + "; log tail:\n" + tail(log));
  }

  private void writeKubeconfig() throws IOException {
    Path pki = pki();
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: %s
            certificate-authority: %s
        users:
        - name: admin
          user:
            client-certificate: %s
            client-key: %s
        - name: token-admin
          user:
            token: %s
        contexts:
        - name: local
          context:
            cluster: local
            user: admin
        - name: local-token
          context:
            cluster: local
            user: token-admin
        current-context: local
        """.formatted(server(), pki.resolve("ca.crt"), pki.resolve("admin.crt"), pki.resolve("admin.key"), ADMIN_TOKEN);
    Files.writeString(kubeconfig(), yaml);
  }

  public Path kubeconfig() {
    return workDir.resolve("kubeconfig");
  }

  public URI server() {
    return URI.create("https://127.0.0.1:" + apiServerPort);
  }

  public int apiServerPort() {
    return apiServerPort;
  }

  /**
   * etcd's client URL (plain HTTP on loopback), e.g. for its gRPC gateway ({@code POST /v3/kv/compaction})
   * in fault-injection tests.
   */
  public URI etcdClientUrl() {
    return URI.create("http://127.0.0.1:" + etcdPort);
  }

  public Path workDir() {
    return workDir;
  }

  public FixtureBinaries binaries() {
    return bins;
  }

  public boolean apiServerRunning() {
    return apiServer != null && apiServer.isAlive();
  }

  private Path pki() {
    return workDir.resolve("pki");
  }

  private String tail(String log) {
    try {
      List<String> lines = Files.readAllLines(workDir.resolve(log));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(cmd.getFirst() + " failed: " + out);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void destroyProcesses() {
    for (Process p : new Process[] {apiServer, secondApiServer, etcd}) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop(apiServer);
      stop(secondApiServer);
      stop(etcd);
    } catch (InterruptedException e) {
      destroyProcesses();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    if (ownsWorkDir) {
      deleteRecursively(workDir);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Options for a {@link LocalCluster}. */
  public static final class Builder {
    private FixtureBinaries binaries;
    private Path workDir;
    private final List<String> apiServerFlags = new ArrayList<>();
    private final List<String> etcdFlags = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(90);

    public Builder binaries(FixtureBinaries binaries) {
      this.binaries = binaries;
      return this;
    }

    /** A work directory to use and keep; default: a temporary one deleted on close. */
    public Builder workDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Extra kube-apiserver flags, e.g. {@code --etcd-compaction-interval=10s}. */
    public Builder apiServerFlag(String flag) {
      apiServerFlags.add(flag);
      return this;
    }

    /** One more static token ({@code --token-auth-file} line): a user with these groups (none = no rights). */
    public Builder token(String token, String user, String uid, String... groups) {
      tokens.add(token + "," + user + "," + uid + (groups.length == 0 ? "" : ",\"" + String.join(",", groups) + "\""));
      return this;
    }

    public Builder etcdFlag(String flag) {
      etcdFlags.add(flag);
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public LocalCluster build() throws IOException {
      return new LocalCluster(this);
    }
  }
}
