package dev.breakwater.bench.report;

import java.util.Optional;

/**
 * A figure's target from issue 6, judged on medians over repeats (never asserted in a test).
 * "Through" is the Breakwater arm.
 */
public sealed interface Target {

  String describe();

  /** Met, not met, or empty when the figures to judge are missing. */
  Optional<Boolean> met(Stats direct, Stats through, Stats ratio);

  /** No target: the figure is context. */
  record None() implements Target {
    @Override
    public String describe() {
      return "";
    }

    @Override
    public Optional<Boolean> met(Stats direct, Stats through, Stats ratio) {
      return Optional.empty();
    }
  }

  /** through / direct ≤ x. */
  record RatioAtMost(double x) implements Target {
    @Override
    public String describe() {
      return "≤ " + Format.number(x) + "× direct";
    }

    @Override
    public Optional<Boolean> met(Stats direct, Stats through, Stats ratio) {
      return ratio.empty() ? Optional.empty() : Optional.of(ratio.median() <= x);
    }
  }

  /** through / direct ≥ x. */
  record RatioAtLeast(double x) implements Target {
    @Override
    public String describe() {
      return "≥ " + Format.number(x) + "× direct";
    }

    @Override
    public Optional<Boolean> met(Stats direct, Stats through, Stats ratio) {
      return ratio.empty() ? Optional.empty() : Optional.of(ratio.median() >= x);
    }
  }

  /** through ≤ x (in the figure's unit). */
  record AtMost(double x, String unit) implements Target {
    @Override
    public String describe() {
      return "≤ " + Format.number(x) + (unit.isEmpty() ? "" : " " + unit);
    }

    @Override
    public Optional<Boolean> met(Stats direct, Stats through, Stats ratio) {
      return through.empty() ? Optional.empty() : Optional.of(through.median() <= x);
    }
  }

  /** through ≤ direct + delta (in the figure's unit). */
  record DirectPlus(double delta, String unit) implements Target {
    @Override
    public String describe() {
      return "≤ direct + " + Format.number(delta) + " " + unit;
    }

    @Override
    public Optional<Boolean> met(Stats direct, Stats through, Stats ratio) {
      return direct.empty() || through.empty() ? Optional.empty() : Optional.of(through.median() <= direct.median() + delta);
    }
  }
}
