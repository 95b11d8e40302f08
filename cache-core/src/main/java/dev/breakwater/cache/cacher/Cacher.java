package dev.breakwater.cache.cacher;

import dev.breakwater.cache.CacheWatcher;
import dev.breakwater.cache.Ready;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.reflector.ListerWatcher;
import dev.breakwater.cache.reflector.ProgressSupply;
import dev.breakwater.cache.reflector.Reflector;
import dev.breakwater.cache.reflector.UpstreamHealth;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.watch.WatchEvent;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One cached resource: the Go {@code Cacher} (k8s.io/apiserver/pkg/storage/cacher/cacher.go). It owns
 * the {@link WatchCache} (current state, history, snapshots, watchers), the {@link Reflector} that
 * feeds it from one upstream LIST/WatchList + WATCH ({@link ListerWatcher}: the edge's adapter), the
 * single thread both run on and the one-second ticker (bookmarks, watch deadlines, slow watchers),
 * freshness for consistent reads ({@link UpstreamRevision}: the edge's probe; bookmarks while they
 * arrive: the {@link ProgressSupply}), and the resource's codecs with the shared watch encoders. It is the
 * {@link CacheReads} the edge plans against and serves from.
 *
 * <p>Concurrency: the reflector and the cache's writer side run on this cacher's own
 * single-threaded executor ({@code cache-<resource>}); reads are lock-free from any thread (see
 * {@link WatchCache}). {@link #close} stops the reflector, the cache (ending every watcher) and the
 * executor.
 *
 * <p>Refusal: while the upstream refuses the reflector's LIST (401/403/404, {@link Reflector.Listener#onRefused})
 * and no sync has succeeded since, {@link #state()} says {@code refused} and {@link #whenReady()} completes, so
 * readers waiting for the cache re-plan and go upstream at once (the upstream's answer is exact); the reflector
 * retries on its long refusal backoff, and a later sync clears it.
 *
 * <p>Readiness: Pending until the first sync is in the cache, then Ready until closed. A relist (410)
 * keeps it Ready: the reflector's relist turns the difference into events and watchers survive, so
 * the cache stays a valid state at its RV (which never goes backwards) — consistent reads wait for the
 * upstream's current RV, which it reaches only after the relist.
 *
 * <p>Consistency: {@link #checkConsistency} compares the cache with the upstream periodically
 * ({@link ConsistencyChecker}); on a mismatch {@link #rebuild} sends every read upstream and relists until the
 * next sync.
 */
public final class Cacher implements CacheReads, AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Cacher.class);

  /**
   * What the cacher is of: the resource's group and plural (for the 404), the name for logs, threads
   * and metrics, the serving path whose rules its reads follow, and its scope and codecs.
   */
  public record Spec(String group, String resource, String groupResource, ServingPath path, ResourceScope scope,
      ResourceCodecs codecs) {
    public Spec {
      Objects.requireNonNull(group);
      Objects.requireNonNull(resource);
      Objects.requireNonNull(groupResource);
      Objects.requireNonNull(path);
      Objects.requireNonNull(scope);
      Objects.requireNonNull(codecs);
    }
  }

  /** Observes a cacher (metrics). Called on cache threads; must not block. */
  public interface Observer {
    /** A consistent read's freshness was confirmed {@code waited} after the request arrived. */
    default void freshnessConfirmed(Duration waited) {}
  }

  private final Spec spec;
  private final WatchCache cache;
  private final Reflector reflector;
  /** Whether the upstream feed delivers (issue 16: {@code /readyz?verbose}, outage metrics); fed by the reflector. */
  private final UpstreamHealth health;
  private final ScheduledExecutorService executor;
  private final ProgressSupply progress;
  private final Freshness freshness;
  private final Observer observer;
  /** Set by the reflector's thread on a refused sync, cleared by its next sync; read from any thread. */
  private volatile boolean refused;
  /** Completed at a refusal (readers waiting for readiness re-plan); replaced by the sync after it. */
  private volatile CompletableFuture<Void> refusal = new CompletableFuture<>();
  /**
   * Set when a consistency check found the cache differs from the upstream ({@link #rebuild}), cleared by the
   * next sync (the relist it asked for, or any other); while set every read goes upstream. Read from any thread.
   */
  private volatile boolean inconsistent;
  /** Completed syncs (the consistency check's {@link ConsistencyChecker.Target#syncs}). Written by the reflector's thread. */
  private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();
  private final InstantSource clock;
  private final DoubleSupplier random;
  /** The periodic consistency check, once {@link #checkConsistency} started it; null before. */
  private volatile ConsistencyChecker checker;

  private Cacher(Spec spec, ListerWatcher lw, UpstreamRevision upstream, InstantSource clock, DoubleSupplier random,
      Observer observer, String threadName) {
    this.spec = spec;
    this.observer = observer;
    this.cache = new WatchCache(clock);
    this.clock = clock;
    this.random = random;
    this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
    this.health = new UpstreamHealth(clock);
    UpstreamHealth h = this.health;
    this.reflector = new Reflector(spec.groupResource(), lw, cache, executor, new Reflector.Listener() {
      @Override
      public void onSynced(long resourceVersion) {
        h.onSynced(resourceVersion);
        syncs.incrementAndGet();
        if (inconsistent) {
          inconsistent = false;
          LOG.info("{}: cache rebuilt from the upstream at RV {}; serving reads again", spec.groupResource(),
              Long.toUnsignedString(resourceVersion));
        }
        if (refused) {
          refused = false;
          refusal = new CompletableFuture<>();
        }
      }

      @Override
      public void onRefused(dev.breakwater.cache.reflector.UpstreamStatusException status) {
        refused = true;
        refusal.complete(null);
      }

      @Override
      public void onUpstreamFailure(String cause, dev.breakwater.cache.reflector.UpstreamFailure kind) {
        h.onUpstreamFailure(cause, kind);
      }

      @Override
      public void onDelivering() {
        h.onDelivering();
      }

      @Override
      public void onRelist(long resourceVersion) {
        h.onRelist(resourceVersion);
      }
    }, random, true, 0);
    this.progress = new ProgressSupply(reflector, lw, executor, System::nanoTime);
    this.freshness = new Freshness(cache, upstream, progress::demand);
  }

  /**
   * Starts a cacher: its thread, the ticker and the reflector's first sync.
   *
   * @param lw         the upstream feed (LIST/WatchList + WATCH of the resource, all namespaces)
   * @param upstream   the probe of the upstream's current RV
   * @param clock      the cache's clock (history age, snapshots, bookmarks, deadlines)
   * @param random     the reflector's backoff jitter
   * @param threadName the cacher's thread, e.g. {@code cache-configmaps}
   */
  public static Cacher start(Spec spec, ListerWatcher lw, UpstreamRevision upstream, InstantSource clock, DoubleSupplier random,
      Observer observer, String threadName) {
    Cacher c = new Cacher(spec, lw, upstream, clock, random, observer == null ? new Observer() {} : observer, threadName);
    c.executor.scheduleAtFixedRate(c.cache::tick, 1, 1, TimeUnit.SECONDS);
    c.reflector.start();
    return c;
  }

  public Spec spec() {
    return spec;
  }

  /** The watch cache (for gauges and the CRD cache's own reads). */
  public WatchCache watchCache() {
    return cache;
  }

  public Reflector reflector() {
    return reflector;
  }

  /** The upstream feed's availability and outage account. */
  public UpstreamHealth health() {
    return health;
  }

  /** The bookmark supply of consistent reads (for gauges and tests). */
  public ProgressSupply progressSupply() {
    return progress;
  }

  @Override
  public ServingPath path() {
    return spec.path();
  }

  @Override
  public ResourceScope scope() {
    return spec.scope();
  }

  @Override
  public ResourceCodecs codecs() {
    return spec.codecs();
  }

  @Override
  public String groupResource() {
    return spec.groupResource();
  }

  @Override
  public ApiStatus notFound(String name) {
    return ApiStatus.notFound(spec.group(), spec.resource(), name);
  }

  @Override
  public CacheState state() {
    boolean ready = cache.ready().state() == Ready.State.READY;
    long rv = cache.resourceVersion();
    boolean refusedNow = refused;
    boolean inconsistentNow = inconsistent;
    Duration sinceLastEvent = cache.lastEventAt().map(t -> Duration.between(t, clock.instant()))
        .map(d -> d.isNegative() ? Duration.ZERO : d).orElse(CacheState.NO_EVENT);
    return new CacheState() {
      @Override
      public Duration sinceLastEvent() {
        return sinceLastEvent;
      }

      @Override
      public boolean ready() {
        return ready;
      }

      @Override
      public boolean refused() {
        return refusedNow;
      }

      @Override
      public boolean inconsistent() {
        return inconsistentNow;
      }

      @Override
      public long resourceVersion() {
        return rv;
      }

      @Override
      public boolean hasSnapshotAtOrBelow(long snapshotRv) {
        return cache.hasSnapshotAtOrBelow(snapshotRv);
      }

      @Override
      public ApiStatus unreadyStatus() {
        return cache.ready().unreadyStatus();
      }

      @Override
      public Duration upstreamUnavailableFor() {
        // Read when asked (only a consistent read that could not be confirmed asks), not per request.
        return health.status().unavailableFor();
      }
    };
  }

  @Override
  public CompletableFuture<?> whenReady() {
    return CompletableFuture.anyOf(cache.ready().whenReady(), refusal);
  }

  @Override
  public CompletableFuture<Long> fresh(long arrivalNanos) {
    return fresh(arrivalNanos, true);
  }

  @Override
  public CompletableFuture<Long> fresh(long arrivalNanos, boolean progress) {
    CompletableFuture<Long> f = freshness.consistent(arrivalNanos, progress);
    f.whenComplete((rv, err) -> {
      if (err == null) {
        observer.freshnessConfirmed(Duration.ofNanos(System.nanoTime() - arrivalNanos));
      }
    });
    return f;
  }

  @Override
  public void demandProgress() {
    progress.demand();
  }

  @Override
  public CompletableFuture<Long> whenFresh(long resourceVersion) {
    return freshness.whenFresh(resourceVersion, true);
  }

  @Override
  public CompletableFuture<Long> whenFresh(long resourceVersion, boolean progress) {
    return freshness.whenFresh(resourceVersion, progress);
  }

  @Override
  public ApiStatus tooLargeResourceVersion(long resourceVersion) {
    return cache.tooLargeResourceVersion(resourceVersion);
  }

  @Override
  public Result<WatchCache.ListResult> list(WatchCache.ListRequest request) {
    return cache.list(request);
  }

  @Override
  public Result<WatchCache.GetResult> get(String key, long minResourceVersion) {
    return cache.get(key, minResourceVersion);
  }

  @Override
  public Result<CacheWatcher> watch(WatchCache.WatchRequest request, WatchSink sink) {
    return cache.watch(request, sink);
  }

  @Override
  public Result<List<WatchEvent>> eventsSince(long resourceVersion) {
    return cache.eventsSince(resourceVersion);
  }

  /**
   * Drops the snapshots older than the upstream's compacted {@code revision} ({@link Compactor}), on
   * the cacher's thread (the snapshotter's one writer). Safe from any thread.
   */
  public void compact(long revision) {
    try {
      executor.execute(() -> cache.compact(revision));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed: nothing left to compact
    }
  }

  /**
   * Starts the periodic consistency check of this cache against the upstream ({@link ConsistencyChecker}), on the
   * cacher's thread; {@code lister} pages the upstream's Exact LISTs. Once per cacher; {@link #close} stops it.
   */
  public synchronized void checkConsistency(ConsistencyChecker.Config config, ConsistencyChecker.Lister lister,
      ConsistencyChecker.Observer observer) {
    if (checker != null) {
      throw new IllegalStateException("consistency check already started");
    }
    ConsistencyChecker c = new ConsistencyChecker(spec.groupResource() + (spec.codecs().protobuf() ? " (protobuf)" : ""),
        config, lister, new ConsistencyChecker.Target() {
          @Override
          public java.util.Optional<WatchCache.Published> checkableState() {
            return cache.ready().state() == Ready.State.READY && !refused && !inconsistent
                ? java.util.Optional.of(cache.current()) : java.util.Optional.empty();
          }

          @Override
          public long syncs() {
            return syncs.get();
          }

          @Override
          public void rebuild(String why) {
            Cacher.this.rebuild(why);
          }
        }, (task, delay) -> {
          try {
            var f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
          } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> { }; // closed
          }
        }, clock, random, observer);
    checker = c;
    c.start();
  }

  /**
   * The cache is known to differ from the upstream (a failed consistency check): until the next sync every read
   * goes upstream ({@link CacheState#inconsistent}: a known-wrong answer is never served, even stale reads and
   * watches), and the reflector relists at once — open watchers stay open and receive the difference as ordinary
   * events ({@code WatchCache.replace}), so none of them is answered 410. If the upstream is unreachable the
   * relist retries on the reflector's backoff and reads keep going upstream, which answers them as it can.
   * Safe from any thread.
   */
  public void rebuild(String why) {
    inconsistent = true;
    reflector.relist(why);
  }

  /** Whether the cache is being rebuilt after a failed consistency check (reads go upstream meanwhile). */
  public boolean inconsistent() {
    return inconsistent;
  }

  @Override
  public void close() {
    ConsistencyChecker c = checker;
    if (c != null) {
      c.close();
    }
    progress.stop();
    reflector.stop();
    cache.stop();
    executor.shutdown();
  }
}
