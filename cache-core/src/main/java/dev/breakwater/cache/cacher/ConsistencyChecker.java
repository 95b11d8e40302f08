package dev.breakwater.cache.cacher;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.reflector.UpstreamKeyPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically compares one cache with the upstream, as the apiserver's {@code consistencyChecker}
 * ({@code DetectCacheInconsistency}, k8s.io/apiserver/pkg/storage/cacher/delegator.go: {@code check},
 * {@code calculateDigests}, {@code addObjectToDigest}) compares its watch cache with etcd.
 *
 * <p>One round: take the cache's state at its RV R (the store published with R: the newest of the
 * snapshots the cache keeps for exact reads; immutable, so the round holds it while the cache moves on,
 * sharing all but the nodes changed since), page an upstream {@code LIST ?resourceVersion=R
 * &resourceVersionMatch=Exact&limit=N} (then {@code continue}, which carries R) through {@link Lister}, and
 * hash {@code namespace/name/resourceVersion} of every item on both sides in key order with 64-bit FNV-1,
 * exactly the apiserver's digest ({@code fnv.New64}, {@code "%x"}). Equal digests: {@link Result#MATCH}.
 * Different: {@link Result#MISMATCH}, with both counts and the first differing key (a merge of the two
 * key-ordered sequences, not the apiserver's index walk: it names the key even after an insertion), and the
 * {@link Target} is asked to {@link Target#rebuild} — unless it was refilled from the upstream since the
 * round began, which already cured what the round saw. The upstream compacted R away (410):
 * {@link Result#SKIPPED}, not a mismatch, as is a cache that is not ready, refused or being rebuilt. Anything
 * else — a connection failure, a 5xx, garbage or truncated JSON (the {@link Lister}'s
 * {@code FrameDecodeException}), a list at another RV than R, a page that does not come within
 * {@link Config#pageTimeout}: {@link Result#ERROR}; the next round tries again. Nothing here throws to its
 * caller.
 *
 * <p>Cost, bounded on purpose: pages of {@link Config#pageSize} items, the next one asked for
 * {@link Config#pageInterval} after the previous one arrived, so at the defaults (500 items, 100 ms) a
 * 200 000-object cache costs the upstream 400 small Exact LISTs over about a minute, every
 * {@link Config#interval} (5 min, the apiserver's {@code ConsistencyCheckPeriod}) — the apiserver's own
 * check reads 10 000 per page with no pause. The {@link Lister} asks for {@code PartialObjectMetadataList}, so
 * each page carries metadata only. On this side a round keeps one page and an iterator over the held state.
 *
 * <p>Schedule: the first round after {@code interval × (1 + 0.5·random)}, then the same jittered delay after
 * each round ends ({@code wait.JitterUntil} with jitter 0.5, sliding). Rounds never overlap.
 *
 * <p>Concurrency: every state transition runs as a task of the {@link Scheduler} (the cacher's single
 * thread); page futures may complete on any thread and are re-posted onto it, tagged with the round and
 * page they answer so a late answer (after a timeout or {@link #close}) is dropped. {@link #close} is safe from
 * any thread and cancels the pending task.
 */
public final class ConsistencyChecker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsistencyChecker.class);

  /**
   * @param interval     between rounds, before jitter ({@code --cache-consistency-check-interval}); must be positive
   * @param pageSize     items per upstream page
   * @param pageInterval pause between one page's answer and the next page's request
   * @param pageTimeout  a page not answered within this ends the round as an error
   */
  public record Config(Duration interval, long pageSize, Duration pageInterval, Duration pageTimeout) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final long DEFAULT_PAGE_SIZE = 500;
    public static final Duration DEFAULT_PAGE_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_PAGE_TIMEOUT = Duration.ofSeconds(60);

    public Config {
      Objects.requireNonNull(interval);
      Objects.requireNonNull(pageInterval);
      Objects.requireNonNull(pageTimeout);
      if (interval.isZero() || interval.isNegative() || pageSize <= 0) {
        throw new IllegalArgumentException("interval and page size must be positive");
      }
    }

    /** The defaults but for the interval. */
    public static Config every(Duration interval) {
      return new Config(interval, DEFAULT_PAGE_SIZE, DEFAULT_PAGE_INTERVAL, DEFAULT_PAGE_TIMEOUT);
    }
  }

  /** A round's result; {@link #label} is the metric's {@code result}. */
  public enum Result {
    MATCH, MISMATCH, SKIPPED, ERROR;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What one round found.
   *
   * @param resourceVersion  R (0 when skipped before a state was taken)
   * @param firstDifference  for a mismatch, e.g. {@code ns/a: cache 12, upstream 15} or {@code ns/b: missing in
   *                         cache (upstream 17)}; "" otherwise
   * @param reason           for skipped and error, why; "" otherwise
   * @param pages            upstream pages read
   */
  public record Outcome(Result result, long resourceVersion, long cacheCount, long upstreamCount, String cacheDigest,
      String upstreamDigest, String firstDifference, String reason, int pages, Duration took) {}

  /** The upstream side: Exact LIST pages of the resource, reduced to keys. */
  public interface Lister {
    /**
     * The first page at exactly {@code resourceVersion} ({@code continueToken} null), or the page after
     * {@code continueToken}. Fails with {@link UpstreamStatusException} for a Status answer (410: compacted),
     * with any other exception for a connection failure or an undecodable body.
     */
    CompletableFuture<UpstreamKeyPage> list(long resourceVersion, String continueToken, long limit);
  }

  /** The cache side. */
  public interface Target {
    /** The state to check (store + RV, published together), or empty when there is nothing to check now. */
    Optional<WatchCache.Published> checkableState();

    /** Counts the target's refills from the upstream (syncs); a round whose count changed saw a state since replaced. */
    long syncs();

    /** The cache differs from the upstream: rebuild it (relist) and keep readers off it until then. */
    void rebuild(String why);
  }

  /** Runs tasks one at a time, in order (the cacher's thread). */
  public interface Scheduler {
    /** Runs {@code task} after {@code delay} (zero: as soon as possible); the handle cancels it. */
    Cancellable schedule(Runnable task, Duration delay);
  }

  /** A scheduled task's handle. */
  public interface Cancellable {
    void cancel();
  }

  /** Told each round's outcome (metrics); called on the scheduler's thread; must not block. */
  public interface Observer {
    void checked(Outcome outcome);
  }

  private final String name;
  private final Config config;
  private final Lister lister;
  private final Target target;
  private final Scheduler scheduler;
  private final InstantSource clock;
  private final DoubleSupplier random;
  private final Observer observer;

  // Owned by the scheduler's thread, but for the volatile flag and the handle (cancelled from close()).
  private volatile boolean stopped;
  private volatile Cancellable pending;
  private Round round;
  /** A next round is scheduled (and no round is running). */
  private boolean roundScheduled;
  private long rounds;
  private long tags;

  /**
   * @param name   for logs, e.g. {@code configmaps}
   * @param random in [0, 1): the interval's jitter
   */
  public ConsistencyChecker(String name, Config config, Lister lister, Target target, Scheduler scheduler,
      InstantSource clock, DoubleSupplier random, Observer observer) {
    this.name = name;
    this.config = config;
    this.lister = lister;
    this.target = target;
    this.scheduler = scheduler;
    this.clock = clock;
    this.random = random;
    this.observer = observer == null ? o -> { } : observer;
  }

  /** Schedules the first round (after one jittered interval, as the apiserver waits first). */
  public void start() {
    scheduleRound();
  }

  /** Rounds finished so far (tests). */
  public long rounds() {
    return rounds;
  }

  /** Stops: the pending task is cancelled and a page still in flight is ignored when it arrives. */
  @Override
  public void close() {
    stopped = true;
    Cancellable p = pending;
    if (p != null) {
      p.cancel();
    }
  }

  private void scheduleRound() {
    if (stopped) {
      return;
    }
    long nanos = config.interval().toNanos();
    long jittered = nanos + (long) (nanos * 0.5 * random.getAsDouble());
    roundScheduled = true;
    pending = schedule(this::startRound, Duration.ofNanos(jittered));
  }

  /**
   * Schedules {@code task} so that nothing it throws is lost: a bug of ours ends the round in progress as an
   * error (and schedules the next) instead of silently stopping the checker.
   */
  private Cancellable schedule(Runnable task, Duration delay) {
    return scheduler.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("{}: consistency check failed internally", name, e);
        Round r = round;
        if (r != null) {
          finish(r, r.outcome(Result.ERROR, "internal: " + e));
        } else if (!roundScheduled) {
          finish(null, new Outcome(Result.ERROR, 0, 0, 0, "", "", "", "internal: " + e, 0, Duration.ZERO));
        }
      }
    }, delay);
  }

  // ---- one round (scheduler thread) ----

  /** The state of a round in progress. */
  private final class Round {
    final long resourceVersion;
    final long syncs;
    final Instant started;
    final Iterator<Map.Entry<String, CachedObject>> cache;
    final Fnv64 cacheDigest = new Fnv64();
    final Fnv64 upstreamDigest = new Fnv64();
    /** The next cache entry not yet hashed, or null when the iterator is drained. */
    Map.Entry<String, CachedObject> head;
    long cacheCount;
    long upstreamCount;
    String firstDifference = "";
    int pages;
    /** Tags the page request in flight: its answer or its timeout, whichever comes first, wins. */
    long tag;

    Round(WatchCache.Published state, long syncs) {
      this.resourceVersion = state.resourceVersion();
      this.syncs = syncs;
      this.started = clock.instant();
      this.cache = state.store().entries().iterator();
      advance();
    }

    void advance() {
      head = cache.hasNext() ? cache.next() : null;
    }

    /** Hashes the cache head and moves on. */
    void takeHead() {
      CachedObject o = head.getValue();
      cacheDigest.add(o.namespace(), o.name(), Long.toUnsignedString(o.resourceVersion()));
      cacheCount++;
      advance();
    }

    /** One upstream item, in key order: hashed, and merged against the cache's items for the first difference. */
    void upstream(UpstreamKeyPage.Key k) {
      upstreamDigest.add(k.namespace(), k.name(), k.resourceVersion());
      upstreamCount++;
      String key = k.storeKey();
      while (head != null && head.getKey().compareTo(key) < 0) {
        differs(head.getKey() + ": missing upstream (cache " + Long.toUnsignedString(head.getValue().resourceVersion()) + ")");
        takeHead();
      }
      if (head != null && head.getKey().equals(key)) {
        String cacheRv = Long.toUnsignedString(head.getValue().resourceVersion());
        if (!cacheRv.equals(k.resourceVersion())) {
          differs(key + ": cache " + cacheRv + ", upstream " + k.resourceVersion());
        }
        takeHead();
      } else {
        differs(key + ": missing in cache (upstream " + k.resourceVersion() + ")");
      }
    }

    /** After the last page: the cache items past the upstream's last key. */
    void drain() {
      while (head != null) {
        differs(head.getKey() + ": missing upstream (cache " + Long.toUnsignedString(head.getValue().resourceVersion()) + ")");
        takeHead();
      }
    }

    void differs(String what) {
      if (firstDifference.isEmpty()) {
        firstDifference = what;
      }
    }

    Outcome outcome(Result result, String reason) {
      return new Outcome(result, resourceVersion, cacheCount, upstreamCount, cacheDigest.hex(), upstreamDigest.hex(),
          result == Result.MISMATCH ? firstDifference : "", reason, pages, Duration.between(started, clock.instant()));
    }
  }

  private void startRound() {
    roundScheduled = false;
    if (stopped) {
      return;
    }
    Optional<WatchCache.Published> state;
    long syncs;
    try {
      syncs = target.syncs();
      state = target.checkableState();
    } catch (RuntimeException e) {
      finish(null, new Outcome(Result.ERROR, 0, 0, 0, "", "", "", e.toString(), 0, Duration.ZERO));
      return;
    }
    if (state.isEmpty()) {
      finish(null, new Outcome(Result.SKIPPED, 0, 0, 0, "", "", "", "cache not ready, refused or being rebuilt", 0,
          Duration.ZERO));
      return;
    }
    round = new Round(state.get(), syncs);
    requestPage(round, null);
  }

  private void requestPage(Round r, String continueToken) {
    if (stopped || round != r) {
      return;
    }
    long tag = ++tags;
    r.tag = tag;
    CompletableFuture<UpstreamKeyPage> f;
    try {
      f = lister.list(r.resourceVersion, continueToken, config.pageSize());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    Cancellable timeout = schedule(() -> {
      if (round == r && r.tag == tag) {
        r.tag = -1;
        finish(r, r.outcome(Result.ERROR, "upstream page not answered within " + config.pageTimeout()));
      }
    }, config.pageTimeout());
    pending = timeout;
    f.whenComplete((page, err) -> schedule(() -> {
      if (round != r || r.tag != tag) {
        return; // timed out, or stopped
      }
      timeout.cancel();
      onPage(r, page, err);
    }, Duration.ZERO));
  }

  private void onPage(Round r, UpstreamKeyPage page, Throwable err) {
    if (stopped) {
      round = null;
      return;
    }
    if (err != null) {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof UpstreamStatusException s && s.gone()) {
        finish(r, r.outcome(Result.SKIPPED, "revision " + Long.toUnsignedString(r.resourceVersion)
            + " compacted upstream (410): nothing to compare at it"));
      } else {
        finish(r, r.outcome(Result.ERROR, "upstream LIST failed: " + cause));
      }
      return;
    }
    r.pages++;
    if (page.resourceVersion() != r.resourceVersion) {
      finish(r, r.outcome(Result.ERROR, "upstream answered at resourceVersion " + Long.toUnsignedString(page.resourceVersion())
          + ", not " + Long.toUnsignedString(r.resourceVersion)));
      return;
    }
    for (UpstreamKeyPage.Key k : page.items()) {
      r.upstream(k);
    }
    if (!page.last()) {
      String next = page.continueToken();
      pending = schedule(() -> requestPage(r, next), config.pageInterval());
      return;
    }
    r.drain();
    boolean same = r.cacheDigest.value() == r.upstreamDigest.value();
    if (same) {
      finish(r, r.outcome(Result.MATCH, ""));
      return;
    }
    Outcome o = r.outcome(Result.MISMATCH, "");
    finish(r, o);
    if (stopped) {
      return;
    }
    if (target.syncs() != r.syncs) {
      LOG.info("{}: cache was refilled from the upstream since the check at RV {} began; not rebuilding again", name,
          Long.toUnsignedString(r.resourceVersion));
    } else {
      target.rebuild("consistency check at RV " + Long.toUnsignedString(r.resourceVersion) + " failed: first difference "
          + o.firstDifference());
    }
  }

  private void finish(Round r, Outcome o) {
    if (r != null && round == r) {
      round = null;
    }
    rounds++;
    switch (o.result()) {
      case MATCH -> LOG.debug("{}: consistency check passed at RV {}: {} objects, digest {} ({} pages, {} ms)", name,
          Long.toUnsignedString(o.resourceVersion()), o.cacheCount(), o.cacheDigest(), o.pages(), o.took().toMillis());
      case MISMATCH -> LOG.warn("{}: consistency check FAILED at RV {}: cache {} objects (digest {}), upstream {} objects "
          + "(digest {}); first difference {}; rebuilding the cache, reads go upstream until it is ready", name,
          Long.toUnsignedString(o.resourceVersion()), o.cacheCount(), o.cacheDigest(), o.upstreamCount(),
          o.upstreamDigest(), o.firstDifference());
      case SKIPPED -> LOG.info("{}: consistency check skipped: {}", name, o.reason());
      case ERROR -> LOG.info("{}: consistency check error: {}", name, o.reason());
    }
    try {
      observer.checked(o);
    } catch (RuntimeException e) {
      LOG.warn("{}: consistency observer failed: {}", name, e.toString());
    }
    scheduleRound();
  }

  /**
   * Go's {@code hash/fnv} {@code New64} (FNV-1, 64 bit: multiply, then xor) over {@code ns/name/rv} per object
   * without a separator between objects, as {@code addObjectToDigest} writes them; {@link #hex} is {@code "%x"}.
   */
  static final class Fnv64 {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private long h = OFFSET;

    void add(String namespace, String name, String resourceVersion) {
      bytes(namespace);
      h = (h * PRIME) ^ '/';
      bytes(name);
      h = (h * PRIME) ^ '/';
      bytes(resourceVersion);
    }

    private void bytes(String s) {
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        h = (h * PRIME) ^ (b & 0xff);
      }
    }

    long value() {
      return h;
    }

    String hex() {
      return Long.toHexString(h);
    }
  }
}
