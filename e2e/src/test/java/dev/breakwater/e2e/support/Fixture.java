package dev.breakwater.e2e.support;

import dev.breakwater.local.FixtureBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the fixture binaries exist before a test starts a cluster: when any is missing it
 * runs {@code e2e/fixture/build.sh} (idempotent; ~5 min cold), so an e2e run from a fresh clone
 * needs nothing done by hand. The README's test command runs the same script first anyway.
 */
public final class Fixture {

  /** Test-only helpers build.sh also builds; {@link FixtureBinaries} knows only what the launcher needs. */
  static final List<String> TEST_HELPERS = List.of("informer-probe");

  private static FixtureBinaries binaries;

  private Fixture() {}

  public static synchronized FixtureBinaries binaries() {
    if (binaries != null) {
      return binaries;
    }
    FixtureBinaries bins = FixtureBinaries.locate();
    if (!missing(bins).isEmpty()) {
      build();
      bins = FixtureBinaries.locate();
      if (!missing(bins).isEmpty()) {
        throw new IllegalStateException("fixture build left binaries missing: " + missing(bins));
      }
    }
    binaries = bins;
    return bins;
  }

  /**
   * The client-go informer probe ({@code e2e/fixture/cmd/informer-probe}): the fixture's, or the one system property
   * {@code breakwater.e2e.informerProbe} names (a probe built from a changed source before the fixture is rebuilt).
   */
  public static Path informerProbe() {
    String override = System.getProperty("breakwater.e2e.informerProbe", "");
    return override.isBlank() ? binaries().dir().resolve("informer-probe") : Path.of(override);
  }

  private static List<String> missing(FixtureBinaries bins) {
    List<String> missing = new ArrayList<>(bins.missing());
    TEST_HELPERS.stream().filter(b -> !Files.isExecutable(bins.dir().resolve(b))).forEach(missing::add);
    return missing;
  }

  /** The repository root (set by the e2e pom), for the build script and the launcher. */
  public static Path repo() {
    String repo = System.getProperty("breakwater.repo");
    Path p = repo != null ? Path.of(repo) : Path.of("..").toAbsolutePath().normalize();
    if (!Files.exists(p.resolve("e2e/fixture/build.sh"))) {
      throw new IllegalStateException("cannot find the repository root (e2e/fixture/build.sh) from " + p);
    }
    return p;
  }

  private static void build() {
    try {
      Process p = new ProcessBuilder(repo().resolve("e2e/fixture/build.sh").toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("e2e/fixture/build.sh failed with exit code " + p.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run e2e/fixture/build.sh: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
