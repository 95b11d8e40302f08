package dev.breakwater.cache.delegator;

import java.util.Objects;

/**
 * How the edge carries out a {@link ReadPlan.AwaitFresh}, as {@link ReadRouting#freshnessWait} decides it from the
 * read's budget class, the edge's consistent-read budget and the cache's outage state: go upstream at once
 * ({@link Upstream}), or wait a bounded time for the proof, demanding the progress supply's bookmarks or not
 * ({@link Bounded}). Immutable values that compare by value (ReadPlanTest tables them).
 */
public sealed interface FreshnessWait {

  /** Hand the read upstream now, without a probe: the apiserver's own answer, exact by construction. */
  record Upstream(String why) implements FreshnessWait {
    public Upstream {
      Objects.requireNonNull(why);
    }
  }

  /**
   * Wait at most {@code timeoutMs} for the cache to reach the read's RV, then serve it; {@code demandProgress}: whether
   * the wait asks the progress supply for bookmarks ({@code CacheReads.fresh} / {@code whenFresh}), which costs the
   * upstream short watches; {@code onTimeout}: what a wait that ran out becomes.
   */
  record Bounded(long timeoutMs, boolean demandProgress, ReadPlan.OnTimeout onTimeout) implements FreshnessWait {
    public Bounded {
      if (timeoutMs < 0) {
        throw new IllegalArgumentException("timeoutMs < 0: " + timeoutMs);
      }
      Objects.requireNonNull(onTimeout);
    }
  }
}
