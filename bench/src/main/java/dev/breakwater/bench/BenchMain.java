package dev.breakwater.bench;

import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.BreakwaterLaunch;
import dev.breakwater.bench.report.Results;
import dev.breakwater.local.FixtureBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code breakwater bench}: Breakwater vs the apiserver alone (and vs kubectl proxy), side by side
 * in one run, with a report and charts (issue 6). {@code ./breakwater bench} builds what it needs
 * and runs this.
 */
@Command(name = "breakwater bench", mixinStandardHelpOptions = true,
    description = {"Benchmark Breakwater against the apiserver alone and kubectl proxy, on the fixture's real etcd +"
        + " kube-apiserver 1.36.3. Writes report.md, figures.csv and PNG charts under --out."})
public final class BenchMain implements Callable<Integer> {

  @Option(names = "--scale", paramLabel = "X", defaultValue = "1",
      description = "multiply the scenarios' sizes (default ${DEFAULT-VALUE}: every scenario in about 25 minutes on 2 cores; 4: S1 ≈ 205 MB)")
  double scale;

  @Option(names = "--scenario", paramLabel = "S1,S3", split = ",",
      description = "run only these scenarios (default: all of S1, S1-pretty, S1-protobuf, S1-table, S2–S8; S9, cluster scale, only when named)")
  List<String> scenarios;

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "3", description = "runs of each arm per scenario (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--arms", paramLabel = "ARM", split = ",", defaultValue = "direct,breakwater,kubectl-proxy",
      description = "arms to compare (default ${DEFAULT-VALUE})")
  List<String> arms;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "8",
      description = "length of the fixed-rate phases of S4, S5, S6 (default ${DEFAULT-VALUE})")
  int duration;

  @Option(names = "--out", paramLabel = "DIR", description = "results folder (default: bench/results/<timestamp>)")
  Path out;

  @Option(names = "--breakwater-jar", paramLabel = "JAR", description = "Breakwater's shaded jar (default: proxy/target/breakwater.jar)")
  Path jar;

  @Option(names = "--breakwater-jvm-options", paramLabel = "OPTS", split = " ",
      description = "JVM options for the Breakwater process (default: the launcher's, -XX:+UseCompactObjectHeaders -XX:+UseZGC -XX:SoftMaxHeapSize=512m)")
  List<String> jvmOptions;

  @Option(names = "--smoke", description = "tiny sizes, 1 repeat, 2 s phases: checks every scenario runs, figures mean little")
  boolean smoke;

  private final String[] args;

  BenchMain(String[] args) {
    this.args = args;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain(args)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path repo = repoRoot();
    BenchConfig config = config(repo);
    FixtureBinaries bins = FixtureBinaries.locate();
    if (!bins.missing().isEmpty()) {
      System.err.println("breakwater bench: fixture binaries missing in " + bins.dir() + ": " + bins.missing()
          + " (run e2e/fixture/build.sh, or ./breakwater bench which does)");
      return 1;
    }
    Results results = Harness.run(config, bins);
    boolean anyFailed = config.scenarios().stream().anyMatch(s -> results.failure(s).isPresent());
    return anyFailed ? 3 : 0;
  }

  BenchConfig config(Path repo) {
    List<String> ids = new ArrayList<>();
    for (String s : scenarios == null ? BenchConfig.DEFAULT_SCENARIOS : scenarios) {
      ids.add(BenchConfig.scenarioId(s).orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
          "unknown scenario " + s + " (" + String.join(", ", BenchConfig.ALL_SCENARIOS) + ")")));
    }
    List<Arm> armList = arms.stream().map(Arm::parse).distinct().toList();
    double effScale = smoke ? Math.min(scale, 0.01) : scale;
    int effRepeats = smoke ? 1 : repeats;
    Duration phase = Duration.ofSeconds(smoke ? Math.min(duration, 2) : duration);
    Path outDir = out != null ? out
        : repo.resolve("bench/results").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path jarPath = jar != null ? jar : repo.resolve("proxy/target/breakwater.jar");
    List<String> opts = jvmOptions != null ? jvmOptions : BreakwaterLaunch.DEFAULT_JVM_OPTIONS;
    String command = System.getProperty("bench.command", "java -jar bench/target/breakwater-bench.jar " + String.join(" ", args));
    return new BenchConfig(effScale, ids, effRepeats, armList, phase, outDir, BreakwaterLaunch.of(jarPath, opts), command, repo, smoke);
  }

  /** The repository root: -Dbreakwater.repo, else the first directory up from here that holds e2e/fixture/build.sh. */
  static Path repoRoot() {
    String p = System.getProperty("breakwater.repo");
    if (p != null && !p.isBlank()) {
      return Path.of(p).toAbsolutePath().normalize();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("e2e/fixture/build.sh"))) {
        return d;
      }
    }
    return Path.of("").toAbsolutePath();
  }

  static String join(String[] a) {
    return String.join(" ", Arrays.asList(a));
  }
}
