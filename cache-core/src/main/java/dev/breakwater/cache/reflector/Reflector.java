package dev.breakwater.cache.reflector;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ReflectorStore} in step with one upstream resource: client-go's
 * {@code Reflector} (tools/cache/reflector.go), byte-level.
 *
 * <pre>
 *   start ──► [initial sync] ──► replace(state, rv) ──► [WATCH from rv] ──► add/update/delete, bookmarks
 *               │  WatchList (sendInitialEvents=true) when enabled; on a Status error falls back to
 *               │  a paginated consistent LIST (limit, continue)
 *               ▼
 *   watch ends cleanly (timeout) ───────────────► WATCH again from the last RV, at once
 *   watch fails (connection, 5xx, 429) ─────────► WATCH again from the last RV after a jittered backoff
 *   410 Gone (watch ERROR or expired continue) ─► relist: the store turns the difference into events
 *   relist() (consistency check mismatch) ──────► relist the same way, at once
 *   sync LIST refused (401, 403, 404) ──────────► Listener.onRefused, then sync again after a long
 *                                                  backoff (10 s doubling to 5 min): the upstream will
 *                                                  not give this identity the resource; readers go upstream
 * </pre>
 *
 * <p>Resource versions only move forward: events and bookmarks older than the last one seen
 * are ignored. A reflector given {@code resumeFrom > 0} (a store that already holds state, for
 * example after the reflector was restarted) first tries to WATCH from there and relists only if
 * the upstream answers 410.
 *
 * <p>Concurrency: every state transition and every store call runs on {@code executor}, which
 * must be single-threaded; upstream callbacks are re-posted onto it, tagged with the generation
 * of the watch they belong to so that late callbacks of a cancelled watch are dropped. Public
 * getters read volatile/atomic fields and are safe from any thread.
 */
public final class Reflector {

  private static final Logger LOG = LoggerFactory.getLogger(Reflector.class);
  static final int PAGE_SIZE = 500;
  static final long MIN_WATCH_TIMEOUT_SECONDS = 300;

  /** What the reflector is doing now. */
  public enum Phase { NEW, SYNCING, WATCHING, BACKOFF, STOPPED }

  /** Callbacks for readiness and metrics; run on the reflector's thread; must not block. */
  public interface Listener {
    /** The store was (re)filled from a complete upstream state at {@code resourceVersion}. */
    default void onSynced(long resourceVersion) {}

    /** A relist starts (410 from upstream). */
    default void onRelist(long lastResourceVersion) {}

    /** An upstream LIST or WATCH failed (unreachable, 5xx, 429, garbage), as {@code kind}; the reflector backs off. */
    default void onUpstreamFailure(String cause, UpstreamFailure kind) {}

    /** The upstream delivered an event or a bookmark on the reflector's watch (called for each). */
    default void onDelivering() {}

    /**
     * The upstream refused the sync's LIST with {@code status} (401 Unauthorized, 403 Forbidden, 404:
     * a resource that vanished): it will answer readers itself. The reflector tries again later.
     */
    default void onRefused(UpstreamStatusException status) {}
  }

  private final String name;
  private final ListerWatcher lw;
  private final ReflectorStore store;
  private final ScheduledExecutorService executor;
  private final Listener listener;
  private final DoubleSupplier random;
  private final Backoff backoff;
  /** Backoff after refusals; reset by a successful sync. */
  private final Backoff refusedBackoff;
  private final boolean useWatchList;

  // Owned by the executor thread.
  private long lastResourceVersion;
  private long generation;
  private WatchStream current;
  private boolean watchListRejected;
  private List<CachedObject> initialEvents;
  /** Incremented by every (re)sync: side streams ({@link ProgressSupply}) of an older epoch are ignored. */
  private long syncEpoch;
  /** The retry a backoff waits to run (null when none), and whether it follows a refusal; see {@link #retryNow}. */
  private Runnable pendingRetry;
  private boolean pendingRefused;

  private volatile Phase phase = Phase.NEW;
  private volatile long lastSyncResourceVersion;
  private final AtomicLong lists = new AtomicLong();
  private final AtomicLong watches = new AtomicLong();
  private final AtomicLong relists = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  /** {@link #loseNextEventsForTest}: events still to lose. */
  private final java.util.concurrent.atomic.AtomicInteger lostForTest = new java.util.concurrent.atomic.AtomicInteger();
  /** The delay of the last retry scheduled (for tests and logs); null before the first. */
  private volatile Duration lastBackoff;

  /**
   * @param name for logs, e.g. {@code configmaps}
   * @param executor single-threaded; the reflector's thread
   * @param useWatchList try a WatchList initial sync first (falls back to LIST on a Status error)
   * @param resumeFrom 0 to start with a sync, else the RV the store already reflects
   */
  public Reflector(String name, ListerWatcher lw, ReflectorStore store, ScheduledExecutorService executor,
      Listener listener, DoubleSupplier random, boolean useWatchList, long resumeFrom) {
    this.name = name;
    this.lw = lw;
    this.store = store;
    this.executor = executor;
    this.listener = listener == null ? new Listener() {} : listener;
    this.random = random;
    this.backoff = new Backoff(random);
    this.refusedBackoff = new Backoff(random, Backoff.REFUSED_INITIAL, Backoff.REFUSED_MAX);
    this.useWatchList = useWatchList;
    this.lastResourceVersion = resumeFrom;
  }

  public void start() {
    executor.execute(() -> {
      if (phase != Phase.NEW) {
        return;
      }
      if (lastResourceVersion > 0) {
        watch();
      } else {
        sync();
      }
    });
  }

  /** Stops for good: cancels the watch; the store keeps its state. */
  public void stop() {
    executor.execute(() -> {
      phase = Phase.STOPPED;
      generation++;
      if (current != null) {
        current.cancel();
        current = null;
      }
    });
  }

  /**
   * Relists now, as after a 410 — the consistency check found the store differs from the upstream
   * ({@code cacher.ConsistencyChecker}): the open watch is cancelled and a fresh
   * sync refills the store, which turns the difference into ordinary events ({@code WatchCache.replace}), so
   * open watchers carry on and end in the upstream's state instead of being answered 410. A no-op while
   * stopped or already syncing (that sync refills the store anyway); during a backoff it syncs at once.
   * {@link Listener#onRelist} and {@link #relists()} count it like a 410's. Safe from any thread.
   */
  public void relist(String why) {
    executor.execute(() -> {
      if (phase == Phase.STOPPED || phase == Phase.NEW || phase == Phase.SYNCING) {
        return;
      }
      generation++;
      if (current != null) {
        current.cancel();
        current = null;
      }
      relists.incrementAndGet();
      LOG.info("{}: relisting from RV {} ({})", name, lastResourceVersion, why);
      listener.onRelist(lastResourceVersion);
      initialEvents = null;
      sync();
    });
  }

  /**
   * The upstream endpoint changed (another apiserver of the same etcd took over, {@code --upstream-endpoints}): a
   * retry waiting out its backoff after a failure runs now, against the new endpoint — the watch resumes from the
   * last RV, or the interrupted sync starts again — instead of after the rest of the backoff. The backoff is not
   * reset (a failure there waits longer, as usual). A no-op unless backing off; never after a refusal (401, 403,
   * 404: the new endpoint's answer would be the same). Safe from any thread.
   */
  public void retryNow(String why) {
    executor.execute(() -> {
      if (phase != Phase.BACKOFF || pendingRetry == null || pendingRefused) {
        return;
      }
      LOG.info("{}: retrying now ({})", name, why);
      pendingRetry.run(); // clears pendingRetry: the scheduled run of the same retry is skipped
    });
  }

  /**
   * Test hook (e2e and unit tests of the consistency check only; never called by the serving path): the next
   * {@code n} events the upstream delivers are lost the way a buggy feed would lose them — the cache RV moves
   * past them but the store does not change — so the cache diverges from the upstream for real. Safe from any
   * thread.
   */
  public void loseNextEventsForTest(int n) {
    lostForTest.addAndGet(n);
  }

  // ---- side streams ({@link ProgressSupply}; executor thread) ----

  /**
   * The epoch a side stream opened now belongs to, or -1 when none may be opened (not watching: a
   * sync is under way, backing off or stopped). Executor thread.
   */
  long sideStreamEpoch() {
    return phase == Phase.WATCHING && initialEvents == null ? syncEpoch : -1;
  }

  /** The RV the store reflects (a side stream starts here). Executor thread. */
  long lastResourceVersionOnExecutor() {
    return lastResourceVersion;
  }

  /** An event of a side stream of {@code epoch}: applied through the RV-ordered path if still of this sync. */
  void applySideEvent(long epoch, EventType type, CachedObject object) {
    if (epoch == syncEpoch && initialEvents == null && phase != Phase.STOPPED && phase != Phase.SYNCING) {
      handleEvent(type, object);
    }
  }

  /** A bookmark of a side stream of {@code epoch}: raises the RV if still of this sync. */
  void applySideBookmark(long epoch, long resourceVersion) {
    if (epoch == syncEpoch && initialEvents == null && phase != Phase.STOPPED && phase != Phase.SYNCING) {
      handleBookmark(resourceVersion, false);
    }
  }

  // ---- initial sync / relist (executor thread) ----

  private void sync() {
    if (phase == Phase.STOPPED) {
      return;
    }
    phase = Phase.SYNCING;
    syncEpoch++;
    if (useWatchList && !watchListRejected) {
      initialEvents = new ArrayList<>();
      openWatch(UpstreamWatchOptions.watchList(watchTimeoutSeconds()));
    } else {
      listPage(UpstreamListOptions.consistent(PAGE_SIZE), new ArrayList<>(), ++generation);
    }
  }

  private void listPage(UpstreamListOptions request, List<CachedObject> acc, long gen) {
    lists.incrementAndGet();
    lw.list(request).whenComplete((page, err) -> executor.execute(() -> {
      if (gen != generation || phase == Phase.STOPPED) {
        return;
      }
      if (err != null) {
        Throwable cause = unwrap(err);
        if (cause instanceof UpstreamStatusException status && refusal(status.code())) {
          LOG.warn("{}: LIST refused ({}); readers go upstream, retrying later", name, status.toString());
          listener.onRefused(status);
          retryLater(this::sync, refusedBackoff, status.toString(), UpstreamFailure.ANSWERED);
          return;
        }
        LOG.info("{}: LIST failed ({}); retrying", name, cause.toString());
        retryLater(this::sync, cause.toString(), UpstreamFailure.of(cause));
        return;
      }
      acc.addAll(page.items());
      if (!page.last()) {
        listPage(request.next(page.continueToken()), acc, gen);
        return;
      }
      synced(acc, page.resourceVersion());
      watch();
    }));
  }

  private void synced(List<CachedObject> state, long resourceVersion) {
    store.replace(state, resourceVersion);
    lastResourceVersion = Math.max(lastResourceVersion, resourceVersion);
    lastSyncResourceVersion = lastResourceVersion;
    backoff.reset();
    refusedBackoff.reset();
    listener.onSynced(lastResourceVersion);
  }

  // ---- watch (executor thread) ----

  private void watch() {
    if (phase == Phase.STOPPED) {
      return;
    }
    phase = Phase.WATCHING;
    initialEvents = null;
    openWatch(UpstreamWatchOptions.from(lastResourceVersion, watchTimeoutSeconds()));
  }

  private void openWatch(UpstreamWatchOptions request) {
    long gen = ++generation;
    watches.incrementAndGet();
    current = lw.watch(request, new WatchHandler() {
      @Override
      public void onEvent(EventType type, CachedObject object) {
        executor.execute(() -> {
          if (gen == generation) {
            handleEvent(type, object);
          }
        });
      }

      @Override
      public void onBookmark(long resourceVersion, boolean initialEventsEnd) {
        executor.execute(() -> {
          if (gen == generation) {
            handleBookmark(resourceVersion, initialEventsEnd);
          }
        });
      }

      @Override
      public void onError(UpstreamStatusException status) {
        executor.execute(() -> {
          if (gen == generation) {
            handleWatchError(status);
          }
        });
      }

      @Override
      public void onClosed(Throwable failure) {
        executor.execute(() -> {
          if (gen == generation) {
            handleClosed(failure);
          }
        });
      }
    });
  }

  private void handleEvent(EventType type, CachedObject object) {
    long rv = object.resourceVersion();
    if (initialEvents != null) {
      initialEvents.add(object);
      return;
    }
    if (rv <= lastResourceVersion) {
      LOG.debug("{}: ignoring {} at RV {} <= last RV {}", name, type, rv, lastResourceVersion);
      return;
    }
    events.incrementAndGet();
    if (lostForTest.get() > 0 && lostForTest.getAndDecrement() > 0) {
      LOG.warn("{}: losing {} at RV {} (test hook)", name, type, rv);
      store.updateResourceVersion(rv);
      lastResourceVersion = rv;
      return;
    }
    // The upstream is back and delivering: the next failure starts from the initial delay again (client-go
    // resets its backoff after a quiet period; without this, one long outage would slow the recovery from
    // every later blip until the watch happens to end cleanly, 5–10 min later).
    backoff.reset();
    listener.onDelivering();
    switch (type) {
      case ADDED -> store.add(object);
      case MODIFIED -> store.update(object);
      case DELETED -> store.delete(object);
    }
    lastResourceVersion = rv;
  }

  private void handleBookmark(long resourceVersion, boolean initialEventsEnd) {
    if (initialEvents != null) {
      if (initialEventsEnd) {
        List<CachedObject> state = initialEvents;
        initialEvents = null;
        phase = Phase.WATCHING;
        synced(state, resourceVersion);
      }
      return;
    }
    backoff.reset(); // delivering again, see handleEvent
    listener.onDelivering();
    if (resourceVersion > lastResourceVersion) {
      lastResourceVersion = resourceVersion;
      store.updateResourceVersion(resourceVersion);
    }
  }

  private void handleWatchError(UpstreamStatusException status) {
    generation++;
    if (current != null) {
      current.cancel();
      current = null;
    }
    if (status.gone()) {
      relists.incrementAndGet();
      LOG.info("{}: watch from RV {} expired ({}); relisting", name, lastResourceVersion, status.getMessage());
      listener.onRelist(lastResourceVersion);
      initialEvents = null;
      sync();
    } else if (initialEvents != null && status.code() >= 400 && status.code() < 500 && status.code() != 429) {
      LOG.info("{}: WatchList initial sync refused ({}); using LIST", name, status.toString());
      watchListRejected = true;
      initialEvents = null;
      sync();
    } else {
      LOG.info("{}: watch error {}; retrying", name, status.toString());
      retryLater(initialEvents != null ? this::sync : this::watch, status.toString(), UpstreamFailure.of(status));
    }
  }

  private void handleClosed(Throwable failure) {
    current = null;
    if (phase == Phase.STOPPED) {
      return;
    }
    boolean syncing = initialEvents != null;
    if (failure == null && !syncing) {
      backoff.reset();
      watch();
    } else {
      String why = failure == null ? "before the initial events ended" : failure.toString();
      LOG.info("{}: watch ended ({}); retrying", name, why);
      // A stream that ended cleanly before its initial events did says nothing of availability.
      retryLater(syncing ? this::sync : this::watch, why, failure == null ? UpstreamFailure.SLOW : UpstreamFailure.of(failure));
    }
  }

  /** 401, 403, 404: the upstream will not list this resource for this identity (until RBAC or the API changes). */
  static boolean refusal(int code) {
    return code == 401 || code == 403 || code == 404;
  }

  private void retryLater(Runnable action, String cause, UpstreamFailure kind) {
    retryLater(action, backoff, cause, kind);
  }

  private void retryLater(Runnable action, Backoff schedule, String cause, UpstreamFailure kind) {
    listener.onUpstreamFailure(cause, kind);
    phase = Phase.BACKOFF;
    generation++;
    Duration delay = schedule.nextDelay();
    lastBackoff = delay;
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      // Skipped when retryNow ran it already (or a later failure scheduled another).
      if (phase == Phase.BACKOFF && pendingRetry == self[0]) {
        pendingRetry = null;
        action.run();
      }
    };
    pendingRetry = self[0];
    pendingRefused = schedule == refusedBackoff;
    executor.schedule(self[0], delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private long watchTimeoutSeconds() {
    return (long) (MIN_WATCH_TIMEOUT_SECONDS * (1 + random.getAsDouble()));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  // ---- observation (any thread) ----

  public Phase phase() {
    return phase;
  }

  /** The RV of the last complete state the store was filled with. */
  public long lastSyncResourceVersion() {
    return lastSyncResourceVersion;
  }

  public long lists() {
    return lists.get();
  }

  public long watches() {
    return watches.get();
  }

  public long relists() {
    return relists.get();
  }

  public long events() {
    return events.get();
  }

  /** The jittered delay of the last retry scheduled after a failure; null if none yet. */
  public Duration lastBackoff() {
    return lastBackoff;
  }
}
