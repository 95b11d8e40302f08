package dev.breakwater.cache.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Remembers review answers (TokenReview results keyed by a token digest, SubjectAccessReview
 * decisions keyed by {@link Attributes}) for a short, outcome-dependent time, and coalesces
 * concurrent identical reviews into one upstream request.
 *
 * <p>Design: a Caffeine {@link AsyncCache} of futures. The first {@link #get} of a key starts the
 * review; every concurrent {@code get} of the same key gets the same future (coalescing). When the
 * review succeeds, the entry lives for {@code positiveTtl} if {@code positive.test(value)} (an
 * authenticated token, an allowed decision) or {@code negativeTtl} otherwise; a TTL of zero means
 * "do not remember". When the review <em>fails</em> (timeout, upstream error) Caffeine drops the
 * entry at once: failures are never cached, the caller fails closed, and the next request asks
 * again.
 *
 * <p>Eviction: at most {@code maximumSize} entries (Caffeine's W-TinyLFU), so a flood of distinct
 * tokens or attributes cannot grow the heap without bound.
 *
 * <p>Concurrency: thread-safe; {@code get} never blocks (the review runs wherever {@code review}
 * runs it). Time comes from the injected {@code nanoTime} (tests pass a fake clock).
 *
 * <p>Bad input: a review function that throws is treated like a failed review.
 */
public final class DecisionCache<K, V> {

  /** Where a {@link #get} answer came from: a cached entry or in-flight review, or a new review. */
  public enum Source { HIT, MISS }

  /** A {@link #get} answer: the future value and whether this call started the review. */
  public record Lookup<V>(CompletableFuture<V> value, Source source) {}

  private final AsyncCache<K, V> cache;

  public DecisionCache(long maximumSize, Duration positiveTtl, Duration negativeTtl, Predicate<V> positive,
      java.util.function.LongSupplier nanoTime, Executor maintenance) {
    long pos = positiveTtl.toNanos();
    long neg = negativeTtl.toNanos();
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .ticker(nanoTime::getAsLong)
        .executor(maintenance)
        .expireAfter(new Expiry<K, V>() {
          @Override
          public long expireAfterCreate(K key, V value, long currentTime) {
            return positive.test(value) ? pos : neg;
          }

          @Override
          public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
          }

          @Override
          public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .buildAsync();
  }

  /** A cache on the system ticker whose maintenance runs on the calling thread. */
  public static <K, V> DecisionCache<K, V> create(long maximumSize, Duration positiveTtl, Duration negativeTtl, Predicate<V> positive) {
    return new DecisionCache<>(maximumSize, positiveTtl, negativeTtl, positive, Ticker.systemTicker()::read, Runnable::run);
  }

  /**
   * The answer for {@code key}: a remembered one, the in-flight review of an identical request, or
   * a new {@code review(key)}.
   */
  public Lookup<V> get(K key, Function<K, CompletableFuture<V>> review) {
    boolean[] started = new boolean[1];
    CompletableFuture<V> f = cache.get(key, (k, executor) -> {
      started[0] = true;
      try {
        CompletableFuture<V> r = review.apply(k);
        return r == null ? CompletableFuture.failedFuture(new IllegalStateException("no review")) : r;
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    });
    return new Lookup<>(f, started[0] ? Source.MISS : Source.HIT);
  }

  /** Entries currently held (approximate; for tests and metrics). */
  public long size() {
    cache.synchronous().cleanUp();
    return cache.synchronous().estimatedSize();
  }
}
