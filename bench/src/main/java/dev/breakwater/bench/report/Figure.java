package dev.breakwater.bench.report;

import dev.breakwater.bench.env.Arm;

/**
 * One reported figure: a row of a scenario's table.
 *
 * @param scenario a scenario id ("S1", "S1-protobuf" … "S8")
 * @param key stable id within the scenario (the CSV's key)
 * @param label what the row says
 * @param unit unit of the values ("MiB", "ms", "MB/s", "" …)
 * @param target the target for it, or {@link Target.None}
 * @param judged the arm whose values the target judges ("through"): Breakwater unless the figure
 *     is about another arm (the delegated-auth figures)
 */
public record Figure(String scenario, String key, String label, String unit, Target target, Arm judged) {

  public Figure(String scenario, String key, String label, String unit, Target target) {
    this(scenario, key, label, unit, target, Arm.BREAKWATER);
  }

  public Figure(String scenario, String key, String label, String unit) {
    this(scenario, key, label, unit, new Target.None());
  }

  public boolean hasTarget() {
    return !(target instanceof Target.None);
  }
}
