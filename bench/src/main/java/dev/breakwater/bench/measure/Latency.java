package dev.breakwater.bench.measure;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latency histograms in microseconds (1 µs … 1 h, 3 significant digits) and their percentiles in ms. */
public final class Latency {

  private Latency() {}

  public static Histogram histogram() {
    return new Histogram(3_600_000_000L, 3);
  }

  /** Safe for many recording threads at once. */
  public static ConcurrentHistogram concurrent() {
    return new ConcurrentHistogram(3_600_000_000L, 3);
  }

  public static void recordNanos(Histogram h, long nanos) {
    h.recordValue(Math.max(1, Math.min(nanos / 1000, h.getHighestTrackableValue())));
  }

  public static double percentileMs(Histogram h, double p) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
  }
}
