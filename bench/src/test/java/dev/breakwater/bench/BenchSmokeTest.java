package dev.breakwater.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.BreakwaterLaunch;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Results;
import dev.breakwater.local.FixtureBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's smoke mode, part of the default test run: every scenario, every arm, tiny sizes,
 * one repeat, against the real fixture cluster. It asserts only that each scenario ran and yielded
 * numbers — never a timing or a target (the figures of a 2-second run on a shared machine mean
 * nothing).
 */
class BenchSmokeTest {

  @Test
  void everyScenarioRunsOnEveryArmAndYieldsNumbers(@TempDir Path out) throws Exception {
    assumeFalse(Boolean.getBoolean("skipE2E"), "-DskipE2E: no fixture cluster");
    Path repo = BenchMain.repoRoot();
    FixtureBinaries bins = SmokeFixture.binaries(repo);
    BenchConfig config = new BenchConfig(0.01, BenchConfig.ALL_SCENARIOS, 1, Arm.all(), Duration.ofSeconds(2), out,
        launch(repo), "BenchSmokeTest", repo, true);

    Results r = Harness.run(config, bins);

    for (String s : BenchConfig.ALL_SCENARIOS) {
      assertThat(r.failure(s)).as("%s failed", s).isEmpty();
      List<Figure> figures = r.figures(s);
      assertThat(figures).as("%s figures", s).isNotEmpty();
      List<Arm> arms = s.equals("S7") ? List.of(Arm.BREAKWATER)
          : s.equals("S8") ? List.of(Arm.DIRECT, Arm.BREAKWATER)
          : s.equals("S3") || s.equals("S5") ? Arm.all()
          : Arm.all().stream().filter(a -> a != Arm.BREAKWATER_DELEGATED && a != Arm.BREAKWATER_TLS).toList();
      for (Arm a : arms) {
        assertThat(figures.stream().anyMatch(f -> !r.values(f, a).isEmpty())).as("%s has numbers for %s", s, a).isTrue();
      }
      for (Figure f : figures) {
        for (Arm a : Arm.all()) {
          assertThat(r.values(f, a).values()).as("%s %s %s", s, f.key(), a).allMatch(Double::isFinite);
        }
      }
    }
    String report = Files.readString(out.resolve("report.md"));
    for (String s : BenchConfig.ALL_SCENARIOS) {
      assertThat(report).contains("## " + s + " — ");
    }
    // The delegated arm (S3 and S5 only) yields its review and added-latency figures.
    for (String s : List.of("S3", "S5")) {
      List<Figure> auth = r.figures(s).stream().filter(f -> f.key().startsWith("auth-")).toList();
      assertThat(auth).as("%s auth figures", s).isNotEmpty()
          .allSatisfy(f -> assertThat(r.values(f, Arm.BREAKWATER_DELEGATED)).as("%s %s", s, f.key()).isNotEmpty());
    }
    assertThat(r.figures().stream().filter(f -> !f.scenario().equals("S3") && !f.scenario().equals("S5")))
        .allSatisfy(f -> assertThat(r.values(f, Arm.BREAKWATER_DELEGATED)).as(f.key()).isEmpty());
    // The TLS control arm yields S5's TLS-added figures.
    assertThat(r.figures("S5").stream().filter(f -> f.key().startsWith("tls-")))
        .isNotEmpty().allSatisfy(f -> assertThat(r.values(f, Arm.BREAKWATER_TLS)).as(f.key()).isNotEmpty());
    assertThat(report).doesNotContain("The scenario failed").doesNotContain("Charts that could not be drawn");
    for (String png : List.of("s1-rss.png", "s1-pretty-rss.png", "s1-protobuf-rss.png", "s1-table-rss.png", "s2-rss-list-watch.png", "s2-rss-watch-list.png", "s4-delivery.png", "s5-get.png",
        "s6-other-resource.png", "s9-rss-sync.png", "s9-rss-list.png", "s9-rss-kubectl.png")) {
      assertThat(out.resolve(png)).as(png).isNotEmptyFile();
    }
    assertThat(out.resolve("figures.csv")).isNotEmptyFile();
  }

  /**
   * The shaded jar when the reactor has packaged it in this build (as {@code mvn verify} does
   * before this module's tests); else — {@code mvn test}, or a jar older than the proxy's classes
   * — Breakwater's Main from this test's class path: the same classes, still a process of its own.
   */
  static BreakwaterLaunch launch(Path repo) throws IOException {
    Path jar = repo.resolve("proxy/target/breakwater.jar");
    Path classes = repo.resolve("proxy/target/classes");
    if (Files.isRegularFile(jar) && Files.isDirectory(classes)) {
      long jarTime = Files.getLastModifiedTime(jar).toMillis();
      try (Stream<Path> files = Files.walk(classes)) {
        boolean stale = files.filter(Files::isRegularFile).anyMatch(f -> {
          try {
            return Files.getLastModifiedTime(f).toMillis() > jarTime;
          } catch (IOException e) {
            return true;
          }
        });
        if (!stale) {
          return BreakwaterLaunch.of(jar, BreakwaterLaunch.DEFAULT_JVM_OPTIONS);
        }
      }
    }
    return BreakwaterLaunch.of(null, BreakwaterLaunch.DEFAULT_JVM_OPTIONS);
  }
}
