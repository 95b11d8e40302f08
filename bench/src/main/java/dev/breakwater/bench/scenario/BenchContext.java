package dev.breakwater.bench.scenario;

import dev.breakwater.bench.BenchConfig;
import dev.breakwater.bench.Log;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.env.Arms;
import dev.breakwater.bench.env.BenchCluster;
import dev.breakwater.bench.report.Results;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a scenario works with: the settings, the shared cluster, arm launcher, results and log. */
public record BenchContext(BenchConfig config, BenchCluster cluster, Arms arms, Results results, Log log) {

  /**
   * The arms for one repeat, rotated by the repeat number so that no arm always runs first (a
   * process's memory after an earlier arm's load would otherwise favour the same arm every time).
   * {@code passThroughApplies} false leaves kubectl proxy out.
   */
  public List<Arm> armsFor(int repeat, boolean passThroughApplies) {
    return armsFor(repeat, passThroughApplies, false);
  }

  /**
   * As {@link #armsFor(int, boolean)}; {@code delegatedApplies} keeps
   * {@link Arm#BREAKWATER_DELEGATED} and its TLS control {@link Arm#BREAKWATER_TLS} (only the
   * scenarios that measure authentication run them).
   */
  public List<Arm> armsFor(int repeat, boolean passThroughApplies, boolean delegatedApplies) {
    List<Arm> arms = new ArrayList<>(config.arms().stream()
        .filter(a -> passThroughApplies || a != Arm.KUBECTL_PROXY)
        .filter(a -> delegatedApplies || (a != Arm.BREAKWATER_DELEGATED && a != Arm.BREAKWATER_TLS)).toList());
    if (arms.isEmpty()) {
      return arms;
    }
    int shift = (repeat - 1) % arms.size();
    List<Arm> rotated = new ArrayList<>(arms.subList(shift, arms.size()));
    rotated.addAll(arms.subList(0, shift));
    return rotated;
  }

  public ArmHandle open(Arm arm, String label) throws IOException, InterruptedException {
    return arms.open(arm, label, List.of());
  }

  public ArmHandle open(Arm arm, String label, List<String> breakwaterArgs) throws IOException, InterruptedException {
    return arms.open(arm, label, breakwaterArgs);
  }

  /**
   * Restarts the apiserver so a memory measurement starts from a process that has not served an
   * earlier arm (a Go process keeps freed heap for minutes). Skipped in smoke mode, where memory
   * figures mean nothing and the restarts would be most of the time.
   */
  public void freshApiServer() throws IOException, InterruptedException {
    if (config.smoke()) {
      return;
    }
    cluster.restartApiServer();
    Thread.sleep(1000);
  }

  public int repeats() {
    return config.repeats();
  }

  public Duration phase() {
    return config.phase();
  }

  public static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d);
  }
}
