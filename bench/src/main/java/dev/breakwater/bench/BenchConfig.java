package dev.breakwater.bench;

import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.BreakwaterLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One harness run's settings.
 *
 * @param scale multiplies the scenarios' sizes (objects, watchers, informers; see each scenario)
 * @param scenarios ids to run, in order (of {@link #ALL_SCENARIOS})
 * @param repeats how many times each arm runs each scenario
 * @param arms the arms to compare (direct is needed for ratios)
 * @param phase how long the fixed-rate phases (S4, S5, S6) run
 * @param out the results folder
 * @param launch how Breakwater is started
 * @param command the command line to print in the report
 * @param repo the repository root (for the commit)
 * @param smoke tiny sizes and short phases: only checks that every scenario runs and yields numbers
 */
public record BenchConfig(double scale, List<String> scenarios, int repeats, List<Arm> arms, Duration phase, Path out,
    BreakwaterLaunch launch, String command, Path repo, boolean smoke) {

  /**
   * Every scenario, in order: S1 in JSON, then its other representations, then S2–S9. S9 (cluster
   * scale, 120 000 objects: about 10 minutes of population and measurement at scale 1) runs only when
   * named ({@code --scenario S9}); the default run is {@link #DEFAULT_SCENARIOS}.
   */
  public static final List<String> ALL_SCENARIOS =
      List.of("S1", "S1-pretty", "S1-protobuf", "S1-table", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9");

  /** What a run without {@code --scenario} runs: all but S9. */
  public static final List<String> DEFAULT_SCENARIOS = ALL_SCENARIOS.stream().filter(s -> !s.equals("S9")).toList();

  /** The id of {@link #ALL_SCENARIOS} that {@code name} spells, ignoring case and spaces. */
  public static Optional<String> scenarioId(String name) {
    return ALL_SCENARIOS.stream().filter(id -> id.equalsIgnoreCase(name.trim())).findFirst();
  }

  public BenchConfig {
    scenarios = List.copyOf(scenarios);
    arms = List.copyOf(arms);
  }

  /** {@code base × scale}, at least {@code min}. */
  public int count(double base, int min) {
    return (int) Math.max(min, Math.round(base * scale));
  }

  public String describe() {
    return String.format(Locale.ROOT, "scale %s, %d repeat%s, fixed-rate phases %d s%s", Double.toString(scale), repeats,
        repeats == 1 ? "" : "s", phase.toSeconds(), smoke ? ", smoke mode" : "");
  }
}
