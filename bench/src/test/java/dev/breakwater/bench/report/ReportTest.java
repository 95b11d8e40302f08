package dev.breakwater.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.bench.env.Arm;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void ratiosArePerRepeatThenMinMedianMax() {
    Results r = new Results();
    Figure f = new Figure("S1", "x", "x", "MB/s", new Target.RatioAtLeast(3));
    r.put(f, Arm.DIRECT, 1, 100);
    r.put(f, Arm.DIRECT, 2, 200);
    r.put(f, Arm.DIRECT, 3, 100);
    r.put(f, Arm.BREAKWATER, 1, 400);
    r.put(f, Arm.BREAKWATER, 2, 400);
    r.put(f, Arm.BREAKWATER, 3, 200);
    Stats ratio = r.ratio(f, Arm.BREAKWATER);
    assertThat(ratio.min()).isEqualTo(2);
    assertThat(ratio.median()).isEqualTo(2);
    assertThat(ratio.max()).isEqualTo(4);
    assertThat(r.met(f)).contains(false);
    assertThat(Format.stats(r.stats(f, Arm.DIRECT))).isEqualTo("100 (100–200)");
  }

  @Test
  void aChartBelongsToTheLongestScenarioIdThatPrefixesIt() {
    Results r = new Results();
    r.scenario("S1", "json");
    r.scenario("S1-table", "table");
    r.rss("s1-rss.png", "S1", Arm.DIRECT, null);
    r.rss("s1-table-rss.png", "S1-table", Arm.DIRECT, null);
    assertThat(r.chartFiles("S1")).containsExactly("s1-rss.png");
    assertThat(r.chartFiles("S1-table")).containsExactly("s1-table-rss.png");
  }

  @Test
  void targetsJudgeTheMedian() {
    Stats direct = Stats.of(List.of(1.0, 2.0, 3.0));
    Stats through = Stats.of(List.of(2.0, 2.1, 50.0));
    assertThat(new Target.DirectPlus(0.3, "ms").met(direct, through, Stats.of(List.of()))).contains(true);
    assertThat(new Target.AtMost(2.0, "ms").met(direct, through, Stats.of(List.of()))).contains(false);
    assertThat(new Target.RatioAtMost(0.1).met(direct, through, Stats.of(List.of()))).isEmpty();
  }

  @Test
  void percentileAxisLabels() {
    assertThat(Charts.percentileLabel(0)).isEqualTo("0%");
    assertThat(Charts.percentileLabel(1)).isEqualTo("90%");
    assertThat(Charts.percentileLabel(2)).isEqualTo("99%");
    assertThat(Charts.percentileLabel(3)).isEqualTo("99.9%");
    assertThat(Charts.percentileLabel(4)).isEqualTo("99.99%");
  }
}
