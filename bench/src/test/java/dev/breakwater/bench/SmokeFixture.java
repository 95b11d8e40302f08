package dev.breakwater.bench;

import dev.breakwater.local.FixtureBinaries;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The fixture binaries for the smoke test: built with {@code e2e/fixture/build.sh} when missing
 * (idempotent; ~6 minutes cold), as the e2e module's tests do, so a run from a clean checkout
 * needs nothing by hand. {@code ./breakwater test} builds them before Maven starts anyway.
 */
final class SmokeFixture {

  private SmokeFixture() {}

  static FixtureBinaries binaries(Path repo) throws IOException, InterruptedException {
    FixtureBinaries bins = FixtureBinaries.locate();
    if (bins.missing().isEmpty()) {
      return bins;
    }
    Process p = new ProcessBuilder(repo.resolve("e2e/fixture/build.sh").toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("e2e/fixture/build.sh failed with exit code " + p.exitValue());
    }
    bins = FixtureBinaries.locate();
    if (!bins.missing().isEmpty()) {
      throw new IllegalStateException("fixture build left binaries missing: " + bins.missing());
    }
    return bins;
  }
}
