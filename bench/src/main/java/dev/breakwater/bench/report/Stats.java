package dev.breakwater.bench.report;

import java.util.Arrays;
import java.util.Collection;

/** Min, median and max of the repeats of one figure. */
public record Stats(double min, double median, double max, int n) {

  public static Stats of(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Stats(v[0], median, v[v.length - 1], v.length);
  }

  public boolean empty() {
    return n == 0;
  }

  @Override
  public String toString() {
    return Arrays.toString(new double[] {min, median, max});
  }
}
