package dev.breakwater.bench.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ResourceSampler} saw of a set of processes during one measured phase: each
 * process's RSS before the phase (median of a few samples), its RSS over time and its peak,
 * and the CPU time it used during the phase.
 *
 * @param names process names, in the order the arm lists them
 * @param baselineRss RSS before the phase, bytes
 * @param cpuTicks CPU used during the phase, clock ticks
 * @param times sample times, seconds since the phase began
 * @param rss rss[i][k] = bytes of process i at sample k (-1 when unreadable)
 * @param seconds the phase's duration
 */
public record ResourceTrace(List<String> names, long[] baselineRss, long[] cpuTicks, double[] times, long[][] rss,
    double seconds) {

  public int index(String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no process " + name + " in " + names);
    }
    return i;
  }

  public boolean has(String name) {
    return names.contains(name);
  }

  public long peakRss(String name) {
    return Arrays.stream(rss[index(name)]).max().orElse(-1);
  }

  /** Peak during the phase minus the baseline (never below 0). */
  public long peakIncrease(String name) {
    int i = index(name);
    return Math.max(0, Arrays.stream(rss[i]).max().orElse(0) - baselineRss[i]);
  }

  /** Peak of the summed RSS of all processes minus the summed baselines: the arm's extra memory. */
  public long totalPeakIncrease() {
    long base = Arrays.stream(baselineRss).sum();
    long peak = 0;
    for (int k = 0; k < times.length; k++) {
      long sum = 0;
      for (long[] r : rss) {
        sum += Math.max(0, r[k]);
      }
      peak = Math.max(peak, sum);
    }
    return Math.max(0, peak - base);
  }

  public double cpuSeconds(String name) {
    return Proc.cpuSeconds(cpuTicks[index(name)]);
  }

  public double totalCpuSeconds() {
    return Proc.cpuSeconds(Arrays.stream(cpuTicks).sum());
  }

  /** RSS in MiB over time, per process, for charts. */
  public Map<String, double[]> rssMiB() {
    Map<String, double[]> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), Arrays.stream(rss[i]).mapToDouble(b -> b < 0 ? Double.NaN : b / 1048576.0).toArray());
    }
    return m;
  }

  static ResourceTrace of(List<String> names, long[] baseline, long[] cpu, List<Long> sampleNanos, List<long[]> samples,
      long startNanos, long endNanos) {
    double[] t = new double[sampleNanos.size()];
    long[][] rss = new long[names.size()][sampleNanos.size()];
    for (int k = 0; k < t.length; k++) {
      t[k] = (sampleNanos.get(k) - startNanos) / 1e9;
      for (int i = 0; i < names.size(); i++) {
        rss[i][k] = samples.get(k)[i];
      }
    }
    return new ResourceTrace(List.copyOf(new ArrayList<>(names)), baseline, cpu, t, rss,
        (endNanos - startNanos) / (double) TimeUnit.SECONDS.toNanos(1));
  }
}
