package dev.breakwater.proxy;

import dev.breakwater.config.ServeConfig;
import dev.breakwater.config.ServeOptions;
import dev.breakwater.local.LocalCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code breakwater} command line: {@code serve} in front of any kubeconfig's cluster, and
 * {@code local}, which starts the fixture's real etcd + kube-apiserver and serves in front of it.
 *
 * <p>Bad input (unknown flag, unreadable kubeconfig, unusable TLS files, port in use) stops with
 * one line on stderr, prefixed {@code breakwater:}, and exit code 2 (usage) or 1 (start-up).
 */
@Command(name = "breakwater", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "A caching reverse proxy in front of a Kubernetes kube-apiserver.",
    subcommands = {Main.Serve.class, Main.Local.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("breakwater: " + ex.getMessage() + " (see --help)");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
      String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
      command.getErr().println("breakwater: " + m.lines().findFirst().orElse(m));
      return 1;
    });
    return cl;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Blocks until the JVM is asked to stop, then stops {@code resources} in order. */
  static void serveUntilStopped(PrintWriter out, List<AutoCloseable> resources) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          out.println("breakwater: error while stopping: " + e.getMessage());
        }
      }
      out.flush();
      stopped.countDown();
    }, "breakwater-shutdown"));
    stopped.await();
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve in front of the apiserver a kubeconfig points at.")
  static final class Serve implements Callable<Integer> {
    @Mixin ServeOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ServeConfig config = options.toConfig();
      List<String> errors = config.validate();
      if (!errors.isEmpty()) {
        spec.commandLine().getErr().println("breakwater: " + String.join("; ", errors));
        return 2;
      }
      BreakwaterServer server = BreakwaterServer.start(config);
      PrintWriter out = spec.commandLine().getOut();
      out.println("breakwater: serving on " + server.url() + " (upstream " + server.upstream().server() + ")");
      if (server.adminPort() > 0) {
        out.println("breakwater: admin on http://" + config.adminListen().get().host() + ":" + server.adminPort());
      }
      out.flush();
      serveUntilStopped(out, List.of(server));
      return 0;
    }
  }

  @Command(name = "local", mixinStandardHelpOptions = true,
      description = {"Start a real etcd + kube-apiserver " + "1.36.3 from the fixture binaries on loopback and serve in front of it.",
          "Ctrl-C stops everything it started."})
  static final class Local implements Callable<Integer> {
    @Mixin ServeOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--work-dir", paramLabel = "DIR",
        description = "where the cluster keeps its PKI, etcd data, logs and kubeconfigs (default: a new temporary directory)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      out.println("breakwater: starting etcd and kube-apiserver 1.36.3 ...");
      out.flush();
      LocalCluster cluster = LocalCluster.builder().workDir(workDir).build().start();
      BreakwaterServer server;
      try {
        options.kubeconfig(cluster.kubeconfig());
        ServeConfig config = options.toConfig();
        List<String> errors = config.validate();
        if (!errors.isEmpty()) {
          throw new IllegalArgumentException(String.join("; ", errors));
        }
        server = BreakwaterServer.start(config);
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      Path clientKubeconfig = cluster.workDir().resolve("breakwater.kubeconfig");
      writeClientKubeconfig(clientKubeconfig, server.url());
      out.println("breakwater: upstream kube-apiserver " + cluster.server() + " (kubeconfig " + cluster.kubeconfig() + ")");
      out.println("breakwater: serving on " + server.url());
      out.println("breakwater: kubeconfig for clients: " + clientKubeconfig);
      out.println("breakwater: try: " + cluster.binaries().kubectl() + " --kubeconfig " + clientKubeconfig + " get namespaces");
      out.flush();
      serveUntilStopped(out, List.of(server, cluster));
      return 0;
    }
  }

  /** A kubeconfig that sends a client to Breakwater over plain loopback HTTP, no credentials. */
  public static void writeClientKubeconfig(Path path, String url) throws IOException {
    Files.writeString(path, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: breakwater
          cluster:
            server: %s
        users:
        - name: breakwater
          user: {}
        contexts:
        - name: breakwater
          context:
            cluster: breakwater
            user: breakwater
        current-context: breakwater
        """.formatted(url));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"breakwater " + (v == null ? "dev" : v)};
    }
  }
}
