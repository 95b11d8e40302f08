package dev.breakwater.cache.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CompactorTest {

  /** An upstream that holds every revision at or above {@code compacted}; a cache with snapshots at given RVs. */
  static final class FakeTarget implements Compactor.Target {
    final TreeSet<Long> snapshots = new TreeSet<>();
    final long rv;
    final long[] upstreamCompacted;
    final List<Long> probed = new ArrayList<>();
    boolean failProbes;

    FakeTarget(long[] upstreamCompacted, long rv, long... snapshotRvs) {
      this.upstreamCompacted = upstreamCompacted;
      this.rv = rv;
      for (long s : snapshotRvs) {
        snapshots.add(s);
      }
    }

    @Override
    public Optional<Long> oldestSnapshot() {
      return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.first());
    }

    @Override
    public long resourceVersion() {
      return rv;
    }

    @Override
    public void compact(long revision) {
      snapshots.headSet(revision, false).clear();
    }

    @Override
    public CompletableFuture<Boolean> held(long revision) {
      probed.add(revision);
      if (failProbes) {
        return CompletableFuture.failedFuture(new IllegalStateException("503"));
      }
      return CompletableFuture.completedFuture(revision >= upstreamCompacted[0]);
    }
  }

  @Test
  void nothingCompactedCostsOneProbeOfTheOldestSnapshot() throws Exception {
    long[] upstream = {0};
    FakeTarget a = new FakeTarget(upstream, 500, 100, 200, 300);
    FakeTarget b = new FakeTarget(upstream, 500, 50, 400);
    Compactor c = new Compactor();
    assertThat(c.poll(List.of(a, b)).get()).isZero();
    assertThat(b.probed).containsExactly(50L);
    assertThat(a.probed).isEmpty();
    assertThat(a.snapshots).containsExactly(100L, 200L, 300L);
  }

  @Test
  void aCompactionIsFoundByBinarySearchAndDropsOlderSnapshotsEverywhere() throws Exception {
    long[] upstream = {237};
    FakeTarget a = new FakeTarget(upstream, 1000, 100, 200, 236, 237, 300);
    FakeTarget b = new FakeTarget(upstream, 900, 150, 250, 260);
    Compactor c = new Compactor();
    assertThat(c.poll(List.of(a, b)).get()).isEqualTo(237);
    assertThat(a.snapshots).containsExactly(237L, 300L);
    assertThat(b.snapshots).containsExactly(250L, 260L);
    // oldest, then the cache's RV, then log2(1000 - 100) ≈ 10 bisections
    assertThat(a.probed).hasSizeLessThanOrEqualTo(2 + 10);
    assertThat(c.probes()).isEqualTo(a.probed.size());
    // the next poll: the oldest snapshot (a's 237) is held — one probe
    int before = a.probed.size();
    assertThat(c.poll(List.of(a, b)).get()).isEqualTo(237);
    assertThat(a.probed.subList(before, a.probed.size())).containsExactly(237L);
    assertThat(b.probed).isEmpty();
  }

  @Test
  void compactedPastTheCacheRvDropsEverySnapshot() throws Exception {
    long[] upstream = {2000};
    FakeTarget a = new FakeTarget(upstream, 1000, 100, 900, 1000);
    Compactor c = new Compactor();
    assertThat(c.poll(List.of(a)).get()).isEqualTo(1001);
    assertThat(a.snapshots).isEmpty();
    assertThat(a.probed).containsExactly(100L, 1000L);
  }

  @Test
  void aFailedProbeCompactsNothingAndTheRevisionNeverGoesBack() throws Exception {
    long[] upstream = {150};
    FakeTarget a = new FakeTarget(upstream, 1000, 100, 200);
    Compactor c = new Compactor();
    assertThat(c.poll(List.of(a)).get()).isEqualTo(150);
    a.snapshots.add(120L); // cannot happen (snapshots are newer than the cache's sync), but must be compacted
    a.failProbes = true;
    // the known revision applies before probing; the failed probe ends the poll
    assertThat(c.poll(List.of(a)).isCompletedExceptionally()).isTrue();
    assertThat(a.snapshots).containsExactly(200L);
    a.snapshots.add(90L);
    upstream[0] = 0;
    a.failProbes = true;
    FakeTarget fresh = new FakeTarget(upstream, 1000, 95);
    // the upstream "un-compacting" cannot lower what is known: 95 < 150 is dropped without a probe
    assertThat(c.poll(List.of(fresh)).get()).isEqualTo(150);
    assertThat(fresh.snapshots).isEmpty();
    assertThat(fresh.probed).isEmpty();
    assertThatThrownBy(() -> c.poll(List.of(a)).get()).isInstanceOf(ExecutionException.class);
    assertThat(c.compactedRevision()).isEqualTo(150);
  }

  @Test
  void noSnapshotsNoProbes() throws Exception {
    FakeTarget a = new FakeTarget(new long[] {10}, 1000);
    Compactor c = new Compactor();
    assertThat(c.poll(List.of(a)).get()).isZero();
    assertThat(a.probed).isEmpty();
  }
}
