package dev.breakwater.proxy;

import dev.breakwater.config.ServeConfig;
import dev.breakwater.config.ServeOptions;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.kubeconfig.KubeconfigWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
    subcommands = {Main.Serve.class, Main.Local.class, Main.Kubeconfig.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(run(commandLine(), args));
  }

  /**
   * Runs the command line; {@code --config FILE} of {@code serve} / {@code local} is read first and
   * installed as that subcommand's defaults (a bad file: one line, exit code 2).
   */
  public static int run(CommandLine cl, String... args) {
    if (args.length > 0 && cl.getSubcommands().containsKey(args[0]) && !args[0].equals("kubeconfig")) {
      try {
        ServeOptions.applyConfigFile(cl.getSubcommands().get(args[0]), java.util.Arrays.copyOfRange(args, 1, args.length));
      } catch (IllegalArgumentException e) {
        cl.getErr().println("breakwater: " + e.getMessage());
        cl.getErr().flush();
        return 2;
      }
    }
    return cl.execute(args);
  }

  public static CommandLine commandLine() {
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
      out.println("breakwater: serving on " + server.url() + " (upstream " + server.upstream().endpoints().stream()
          .map(e -> e.server().toString()).collect(java.util.stream.Collectors.joining(", ")) + ")");
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
    try {
      KubeconfigWriter.writeStandalone(path, new KubeconfigWriter.Target("breakwater", java.net.URI.create(url), Optional.empty(), false),
          Optional.empty(), Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Command(name = "kubeconfig", mixinStandardHelpOptions = true,
      description = {"Write a kubeconfig whose server is Breakwater, with the credentials of an existing kubeconfig's context.",
          "Without --out or --merge it is printed on stdout."})
  static final class Kubeconfig implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "Breakwater's URL, e.g. https://breakwater.breakwater.svc:8443")
    java.net.URI server;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
        description = "where the credentials come from, and the file --merge edits (default: $KUBECONFIG's first file, then ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "the context whose user (and namespace) to use (default: current-context)")
    String context;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "breakwater",
        description = "name of the cluster, user and context written (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--certificate-authority", paramLabel = "FILE", description = "PEM CA that signed Breakwater's serving certificate (embedded)")
    Path certificateAuthority;

    @Option(names = "--insecure-skip-tls-verify", description = "do not verify Breakwater's serving certificate")
    boolean insecure;

    @Option(names = "--no-credentials", description = "write a user without credentials (Breakwater acts with its own identity)")
    boolean noCredentials;

    @CommandLine.ArgGroup(exclusive = true)
    Output output;

    static final class Output {
      @Option(names = "--out", paramLabel = "FILE", description = "write a new kubeconfig there (mode 0600, atomic)") Path out;
      @Option(names = "--merge", description = "add the cluster and context to --kubeconfig's file, keeping everything else byte for byte") boolean merge;
    }

    @Override
    public Integer call() {
      // The user's kubeconfig, as kubectl finds it (never the pod's service account).
      java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
      env.remove("KUBERNETES_SERVICE_HOST");
      Path source = ServeOptions.upstreamKubeconfig(kubeconfig, env, Path.of(System.getProperty("user.home")));
      var target = new KubeconfigWriter.Target(name, server, Optional.ofNullable(certificateAuthority), insecure);
      Optional<String> ctx = Optional.ofNullable(context);
      if (output != null && output.merge) {
        KubeconfigWriter.merge(source, target, ctx);
        spec.commandLine().getErr().println("breakwater: context \"" + name + "\" added to " + source
            + " (use it: kubectl --context " + name + " ...)");
        return 0;
      }
      Optional<Path> from = noCredentials ? Optional.empty() : Optional.of(source);
      if (output != null && output.out != null) {
        KubeconfigWriter.writeStandalone(output.out, target, from, ctx);
        spec.commandLine().getErr().println("breakwater: wrote " + output.out);
      } else {
        spec.commandLine().getOut().print(KubeconfigWriter.standalone(target, from, ctx));
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"breakwater " + (v == null ? "dev" : v)};
    }
  }
}
