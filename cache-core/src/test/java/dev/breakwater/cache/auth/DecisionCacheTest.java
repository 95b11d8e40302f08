package dev.breakwater.cache.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** TTL by outcome with an injected clock, coalescing, and failures never remembered. */
class DecisionCacheTest {

  final AtomicLong now = new AtomicLong(1_000);
  final AtomicInteger reviews = new AtomicInteger();
  final DecisionCache<String, Boolean> cache = new DecisionCache<>(100, Duration.ofSeconds(10), Duration.ofSeconds(2),
      b -> b, now::get, Runnable::run);

  CompletableFuture<Boolean> review(boolean answer) {
    reviews.incrementAndGet();
    return CompletableFuture.completedFuture(answer);
  }

  @Test
  void allowedLivesForThePositiveTtl() {
    assertThat(cache.get("a", k -> review(true)).source()).isEqualTo(DecisionCache.Source.MISS);
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(cache.get("a", k -> review(true)).source()).isEqualTo(DecisionCache.Source.HIT);
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(cache.get("a", k -> review(true)).source()).isEqualTo(DecisionCache.Source.MISS);
    assertThat(reviews).hasValue(2);
  }

  @Test
  void deniedLivesForTheNegativeTtl() {
    cache.get("d", k -> review(false));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(cache.get("d", k -> review(false)).value().join()).isFalse();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(cache.get("d", k -> review(true)).value().join()).isTrue(); // re-reviewed: RBAC changed
    assertThat(reviews).hasValue(2);
  }

  @Test
  void concurrentIdenticalReviewsAreCoalesced() {
    CompletableFuture<Boolean> pending = new CompletableFuture<>();
    var first = cache.get("k", k -> {
      reviews.incrementAndGet();
      return pending;
    });
    var second = cache.get("k", k -> review(false));
    assertThat(second.source()).isEqualTo(DecisionCache.Source.HIT);
    assertThat(second.value()).isNotDone();
    pending.complete(true);
    assertThat(first.value().join()).isTrue();
    assertThat(second.value().join()).isTrue();
    assertThat(reviews).hasValue(1);
  }

  @Test
  void failuresAreNotRemembered() {
    var failed = cache.get("f", k -> CompletableFuture.failedFuture(new RuntimeException("timeout")));
    assertThat(failed.value()).isCompletedExceptionally();
    var again = cache.get("f", k -> review(true));
    assertThat(again.source()).isEqualTo(DecisionCache.Source.MISS);
    assertThat(again.value().join()).isTrue();
  }

  @Test
  void aThrowingReviewIsAFailedReview() {
    var r = cache.get("t", k -> {
      throw new IllegalStateException("boom");
    });
    assertThat(r.value()).isCompletedExceptionally();
    assertThat(cache.get("t", k -> review(false)).source()).isEqualTo(DecisionCache.Source.MISS);
  }

  @Test
  void sizeIsBounded() {
    DecisionCache<Integer, Boolean> small = new DecisionCache<>(10, Duration.ofHours(1), Duration.ofHours(1), b -> b, now::get, Runnable::run);
    for (int i = 0; i < 1000; i++) {
      small.get(i, k -> CompletableFuture.completedFuture(true));
    }
    assertThat(small.size()).isLessThanOrEqualTo(10);
  }
}
