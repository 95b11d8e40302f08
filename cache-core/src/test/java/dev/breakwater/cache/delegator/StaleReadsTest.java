package dev.breakwater.cache.delegator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.delegator.ReadPlan.AwaitFresh;
import dev.breakwater.cache.delegator.ReadPlan.Delegate;
import dev.breakwater.cache.delegator.ReadPlan.Freshness;
import dev.breakwater.cache.delegator.ReadPlan.OnTimeout;
import dev.breakwater.cache.delegator.ReadPlan.Serve;
import dev.breakwater.cache.delegator.ReadPlan.ServeStale;
import dev.breakwater.cache.reflector.UpstreamFailure;
import dev.breakwater.cache.reflector.UpstreamHealth;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.status.ApiStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ReadRouting#unconfirmed} with {@link StaleReads}: what a consistent read whose freshness could not be
 * confirmed becomes, from the feed's history (an {@link UpstreamHealth} on an injected clock, as the cacher feeds
 * it), the read's own attempt and the flag.
 */
class StaleReadsTest {

  /** One step of the feed's history: a failure of a kind, a delivery (null kind), then time passing. */
  record Step(UpstreamFailure failure, boolean delivered, long thenSeconds) {
    static Step fail(UpstreamFailure kind, long thenSeconds) {
      return new Step(kind, false, thenSeconds);
    }

    static Step deliver(long thenSeconds) {
      return new Step(null, true, thenSeconds);
    }
  }

  /** A ready cache at RV 100 whose upstream feed went through {@code history}. */
  static CacheState cache(boolean ready, List<Step> history) {
    Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
    UpstreamHealth health = new UpstreamHealth(() -> now[0]);
    for (Step s : history) {
      if (s.delivered()) {
        health.delivered();
      } else if (s.failure() != null) {
        health.failed(s.failure().name(), s.failure());
      }
      now[0] = now[0].plusSeconds(s.thenSeconds());
    }
    return new CacheState() {
      @Override
      public boolean ready() {
        return ready;
      }

      @Override
      public long resourceVersion() {
        return 100;
      }

      @Override
      public boolean hasSnapshotAtOrBelow(long rv) {
        return true;
      }

      @Override
      public Duration upstreamUnavailableFor() {
        return health.status().unavailableFor();
      }

      @Override
      public ApiStatus unreadyStatus() {
        return ReadRoutingTest.UNREADY;
      }
    };
  }

  static final AwaitFresh<String> CONSISTENT = new AwaitFresh<>(Freshness.CONSISTENT, 0, OnTimeout.DELEGATE, new Serve<>("read"));
  static final ReadPlan<String> UPSTREAM = new Delegate<>("not fresh in time");
  static final ReadPlan<String> STALE = new ServeStale<>("read", 100,
      "299 - \"served from cache while the upstream is unavailable: may be stale (resourceVersion 100)\"");

  static final UpstreamFailure UNAVAILABLE = UpstreamFailure.UNAVAILABLE;
  static final UpstreamFailure SLOW = UpstreamFailure.SLOW;
  static final UpstreamFailure ANSWERED = UpstreamFailure.ANSWERED;

  static Arguments row(String name, boolean flag, List<Step> history, UpstreamFailure attempt, ReadPlan<String> expected) {
    return Arguments.of(name, flag, history, attempt, expected);
  }

  static Stream<Arguments> table() {
    List<Step> down10s = List.of(Step.fail(UNAVAILABLE, 4), Step.fail(UNAVAILABLE, 6));
    return Stream.of(
        // the flag off: always upstream (the pass-through's answer, 503 during an outage)
        row("off, long outage", false, down10s, UNAVAILABLE, UPSTREAM),
        // the flag on, an outage: the feed unavailable ≥ 5 s and the read's own probe refused
        row("on, feed down 10 s, probe refused", true, down10s, UNAVAILABLE, STALE),
        row("on, feed down exactly 5 s", true, List.of(Step.fail(UNAVAILABLE, 5)), UNAVAILABLE, STALE),
        row("on, feed down 4 s: a blip", true, List.of(Step.fail(UNAVAILABLE, 4)), UNAVAILABLE, UPSTREAM),
        // a slow upstream is never an outage: the probe timed out, or the feed's failures were timeouts / 504s
        row("on, feed down 10 s, probe timed out", true, down10s, SLOW, UPSTREAM),
        row("on, feed timing out 60 s, probe refused", true, List.of(Step.fail(SLOW, 60)), UNAVAILABLE, UPSTREAM),
        // an upstream that answers is not down: a 429/403 on the probe, or in the feed's series
        row("on, feed down 10 s, probe answered 429", true, down10s, ANSWERED, UPSTREAM),
        row("on, feed throttled 60 s (429s)", true, List.of(Step.fail(ANSWERED, 60)), UNAVAILABLE, UPSTREAM),
        row("on, refused then 429 then refused 3 s", true,
            List.of(Step.fail(UNAVAILABLE, 30), Step.fail(ANSWERED, 1), Step.fail(UNAVAILABLE, 3)), UNAVAILABLE, UPSTREAM),
        row("on, refused, timeouts in between, 6 s", true,
            List.of(Step.fail(UNAVAILABLE, 2), Step.fail(SLOW, 2), Step.fail(UNAVAILABLE, 2)), UNAVAILABLE, STALE),
        // a delivery ends the outage (the feed came back): a new one starts from its first failure
        row("on, back then down 2 s", true, List.of(Step.fail(UNAVAILABLE, 60), Step.deliver(1), Step.fail(UNAVAILABLE, 2)),
            UNAVAILABLE, UPSTREAM),
        row("on, feed delivering, probe refused", true, List.of(Step.deliver(60)), UNAVAILABLE, UPSTREAM),
        row("on, feed never failed", true, List.of(), UNAVAILABLE, UPSTREAM));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("table")
  void consistentReadThatCouldNotBeConfirmed(String name, boolean flag, List<Step> history, UpstreamFailure attempt,
      ReadPlan<String> expected) {
    assertThat(ReadRouting.unconfirmed(CONSISTENT, cache(true, history), StaleReads.onOutage(flag), attempt)).isEqualTo(expected);
  }

  @Test
  void anUnreadyCacheIsNeverServedStale() {
    assertThat(StaleReads.onOutage(true).serveStale(cache(false, List.of(Step.fail(UNAVAILABLE, 60))), UNAVAILABLE)).isFalse();
  }

  @Test
  void aCacheBeingRebuiltAfterAFailedConsistencyCheckIsNeverServedStale() {
    CacheState outage = cache(true, List.of(Step.fail(UNAVAILABLE, 60)));
    assertThat(ReadRouting.unconfirmed(CONSISTENT, outage, StaleReads.onOutage(true), UNAVAILABLE))
        .isInstanceOf(ReadPlan.ServeStale.class);
    CacheState rebuilding = new CacheState() {
      @Override
      public boolean ready() {
        return true;
      }

      @Override
      public long resourceVersion() {
        return outage.resourceVersion();
      }

      @Override
      public boolean hasSnapshotAtOrBelow(long rv) {
        return true;
      }

      @Override
      public java.time.Duration upstreamUnavailableFor() {
        return outage.upstreamUnavailableFor();
      }

      @Override
      public boolean inconsistent() {
        return true;
      }

      @Override
      public dev.breakwater.cache.status.ApiStatus unreadyStatus() {
        return outage.unreadyStatus();
      }
    };
    assertThat(ReadRouting.unconfirmed(CONSISTENT, rebuilding, StaleReads.onOutage(true), UNAVAILABLE))
        .isInstanceOf(ReadPlan.Delegate.class);
  }

  @Test
  void onlyConsistentReadsThatWouldGoUpstream() {
    AwaitFresh<String> atLeast = new AwaitFresh<>(Freshness.AT_LEAST, 700, OnTimeout.TOO_LARGE_RESOURCE_VERSION, new Serve<>("read"));
    assertThatThrownBy(() -> ReadRouting.unconfirmed(atLeast, cache(true, List.of()), StaleReads.onOutage(true), UNAVAILABLE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new CompletionException(new ConnectException("Connection refused")), UNAVAILABLE),
        Arguments.of(new IOException("Connection reset by peer"), UNAVAILABLE),
        Arguments.of(new java.net.UnknownHostException("apiserver.invalid"), UNAVAILABLE),
        Arguments.of(new UpstreamStatusException(503, "ServiceUnavailable", "down"), UNAVAILABLE),
        Arguments.of(new UpstreamStatusException(500, "", "etcdserver: no leader"), UNAVAILABLE),
        Arguments.of(new UpstreamStatusException(502, "", "bad gateway"), UNAVAILABLE),
        Arguments.of(new UpstreamStatusException(504, "Timeout", "too slow"), SLOW),
        Arguments.of(new CompletionException(new TimeoutException()), SLOW),
        Arguments.of(new java.net.SocketTimeoutException("read timed out"), SLOW),
        Arguments.of(new UpstreamStatusException(429, "TooManyRequests", "slow down"), ANSWERED),
        Arguments.of(new UpstreamStatusException(403, "Forbidden", "no"), ANSWERED),
        Arguments.of(new dev.breakwater.cache.reflector.FrameDecodeException("garbage"), ANSWERED));
  }

  @ParameterizedTest(name = "[{index}] {0} → {1}")
  @MethodSource("failures")
  void whatAFailureSaysOfTheUpstream(Throwable failure, UpstreamFailure expected) {
    assertThat(UpstreamFailure.of(failure)).isEqualTo(expected);
  }
}
