package dev.breakwater.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Samples RSS of a fixed set of processes on an interval, on a platform thread of its own, for
 * one measured phase: {@link #begin} takes the baseline (median of five samples 100 ms apart) and
 * the CPU counters, {@link #end} stops and returns the {@link ResourceTrace}.
 *
 * <p>Concurrency: the sampling thread alone appends to the sample lists until {@link #end} joins
 * it; the caller reads them only after the join.
 */
public final class ResourceSampler implements AutoCloseable {

  private final List<String> names;
  private final long[] pids;
  private final long intervalNanos;
  private final long[] baseline;
  private final long[] cpu0;
  private final long startNanos;
  private final List<Long> sampleNanos = new ArrayList<>();
  private final List<long[]> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private ResourceSampler(Map<String, Long> pidsByName, Duration interval) throws InterruptedException {
    this.names = List.copyOf(pidsByName.keySet());
    this.pids = pidsByName.values().stream().mapToLong(Long::longValue).toArray();
    this.intervalNanos = interval.toNanos();
    this.baseline = baseline(pids);
    this.cpu0 = cpu(pids);
    this.startNanos = System.nanoTime();
    this.thread = Thread.ofPlatform().daemon().name("rss-sampler").start(this::loop);
  }

  /** Takes the baseline and starts sampling. Keys of {@code pidsByName} keep their iteration order. */
  public static ResourceSampler begin(Map<String, Long> pidsByName, Duration interval) throws InterruptedException {
    return new ResourceSampler(pidsByName, interval);
  }

  private void loop() {
    long next = System.nanoTime();
    while (running) {
      long[] s = new long[pids.length];
      for (int i = 0; i < pids.length; i++) {
        s[i] = Proc.rssBytes(pids[i]);
      }
      long now = System.nanoTime();
      synchronized (samples) {
        sampleNanos.add(now);
        samples.add(s);
      }
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(Duration.ofNanos(sleep));
        } catch (InterruptedException e) {
          return;
        }
      } else {
        next = System.nanoTime();
      }
    }
  }

  /** Stops sampling (one last sample is taken) and returns what was seen since {@link #begin}. */
  public ResourceTrace end() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
    long endNanos = System.nanoTime();
    long[] cpu1 = cpu(pids);
    long[] used = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      used[i] = cpu0[i] < 0 || cpu1[i] < 0 ? 0 : cpu1[i] - cpu0[i];
    }
    long[] last = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      last[i] = Proc.rssBytes(pids[i]);
    }
    synchronized (samples) {
      sampleNanos.add(endNanos);
      samples.add(last);
      return ResourceTrace.of(names, baseline, used, sampleNanos, samples, startNanos, endNanos);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (running) {
      end();
    }
  }

  private static long[] baseline(long[] pids) throws InterruptedException {
    long[][] s = new long[pids.length][5];
    for (int k = 0; k < 5; k++) {
      for (int i = 0; i < pids.length; i++) {
        s[i][k] = Proc.rssBytes(pids[i]);
      }
      if (k < 4) {
        Thread.sleep(100);
      }
    }
    long[] median = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      Arrays.sort(s[i]);
      median[i] = s[i][2];
    }
    return median;
  }

  private static long[] cpu(long[] pids) {
    long[] c = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      c[i] = Proc.cpuTicks(pids[i]);
    }
    return c;
  }
}
