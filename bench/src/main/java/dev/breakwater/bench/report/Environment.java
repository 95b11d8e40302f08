package dev.breakwater.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the report header says about the run: versions of everything measured and the machine.
 *
 * @param apiServer kube-apiserver's {@code /version} gitVersion
 * @param etcd first line of {@code etcd --version}
 * @param kubectl {@code kubectl version --client}
 * @param jdk the JDK that runs the harness and Breakwater
 * @param breakwaterCommit {@code git rev-parse --short HEAD}, "+ local changes" when the tree is dirty
 * @param cpu cores and model
 * @param memory MemTotal
 * @param kernel {@code /proc/sys/kernel/osrelease}
 */
public record Environment(String apiServer, String etcd, String kubectl, String jdk, String breakwaterCommit, String cpu,
    String memory, String kernel) {

  public static Environment capture(String apiServerVersion, Path etcdBin, Path kubectlBin, Path repo) {
    String etcd = firstLine(run(List.of(etcdBin.toString(), "--version")));
    String kubectl = firstLine(run(List.of(kubectlBin.toString(), "version", "--client")));
    String jdk = System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.runtime.version", "?");
    String commit = firstLine(run(List.of("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD")));
    String dirty = run(List.of("git", "-C", repo.toString(), "status", "--porcelain", "--untracked-files=no")).isBlank()
        ? "" : " + local changes";
    return new Environment(apiServerVersion, etcd, kubectl, jdk.trim(), commit + dirty, readCpu(), readMemory(), readKernel());
  }

  /** One line for the header: the load average, which says how shared the machine was. */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
    } catch (IOException e) {
      return "?";
    }
  }

  static String readCpu() {
    int cores = Runtime.getRuntime().availableProcessors();
    String model = "?";
    try {
      model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      // not Linux
    }
    return cores + " × " + model;
  }

  static String readMemory() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).map(b -> String.format("%.1f GiB", b / (double) (1L << 30)))
          .findFirst().orElse("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  static String readKernel() {
    try {
      return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    } catch (IOException e) {
      return System.getProperty("os.name");
    }
  }

  static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  static String firstLine(String s) {
    return s.lines().findFirst().orElse("?").trim();
  }
}
