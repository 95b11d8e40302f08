package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.cache.cacher.Compactor;
import dev.breakwater.config.CachePolicy;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running {@link Cacher}s, one per resource and representation (JSON; protobuf for built-ins
 * whose protobuf clients arrived), started on first use and stopped when idle: a cacher no request
 * used for the policy's idle timeout and that feeds no watcher is closed by the sweeper, releasing
 * its upstream WATCH and memory; the next read starts it again ({@code 0} = never).
 *
 * <p>Thread-safe: cachers live in a concurrent map; each entry's last use is volatile; the sweeper
 * runs on its own thread and only removes an entry it observed idle ({@code remove(key, entry)}).
 */
final class CacheRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CacheRegistry.class);

  /** A running cacher and when a request last used it ({@link System#nanoTime}). */
  private static final class Entry {
    final Cacher cacher;
    /** The compactor's view of this cache: its snapshots and the upstream's Exact-RV answer for its resource. */
    final Compactor.Target target;
    final Resource resource;
    final boolean protobuf;
    /** A custom resource's selectable fields (JSON paths) the cache was started with; fixed for its life. */
    final List<String> selectableFields;
    volatile long lastUsedNanos = System.nanoTime();

    Entry(Cacher cacher, Compactor.Target target, Resource resource, boolean protobuf, List<String> selectableFields) {
      this.target = target;
      this.cacher = cacher;
      this.resource = resource;
      this.protobuf = protobuf;
      this.selectableFields = selectableFields;
    }
  }

  /** How often running custom-resource caches are compared with their CRD's selectable fields. */
  static final long SELECTABLE_FIELDS_PERIOD_MS = 1_000;

  private final Upstream upstream;
  private final ProxyMetrics metrics;
  private final CachePolicy policy;
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("cache-idle-sweeper").factory());
  private final ConcurrentHashMap<String, Entry> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** A custom resource's selectable fields as the CRD cache knows them now (empty: unknown, or none). */
  private final Function<Resource, List<String>> selectableFields;
  /** Drops snapshots the upstream compacted away (polled on the sweeper, as the apiserver polls etcd). */
  private final Compactor compactor = new Compactor();

  CacheRegistry(Upstream upstream, ProxyMetrics metrics, CachePolicy policy, Function<Resource, List<String>> selectableFields) {
    this.upstream = upstream;
    this.metrics = metrics;
    this.policy = policy;
    this.selectableFields = selectableFields;
    // Another apiserver took over (--upstream-endpoints): feeds backing off after the old one's failure resume there now.
    upstream.onSwitch(() -> caches.values().forEach(e -> e.cacher.reflector().retryNow("upstream endpoint is now "
        + upstream.endpoint().server())));
    sweeper.scheduleWithFixedDelay(this::refreshSelectableFields, SELECTABLE_FIELDS_PERIOD_MS, SELECTABLE_FIELDS_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    sweeper.scheduleWithFixedDelay(this::pollCompaction, Compactor.POLL_PERIOD_SECONDS, Compactor.POLL_PERIOD_SECONDS,
        TimeUnit.SECONDS);
    if (!policy.idleTimeout().isZero()) {
      long period = Math.max(100, Math.min(30_000, policy.idleTimeout().toMillis() / 4));
      sweeper.scheduleWithFixedDelay(this::stopIdle, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops cachers idle for the timeout and feeding no watcher. Runs on the sweeper. */
  void stopIdle() {
    long now = System.nanoTime();
    long idle = policy.idleTimeout().toNanos();
    caches.forEach((key, e) -> {
      if (now - e.lastUsedNanos > idle && e.cacher.watchCache().watchers().isEmpty() && caches.remove(key, e)) {
        LOG.info("stopping idle cache for {}", e.cacher.groupResource());
        e.cacher.close();
      }
    });
  }

  /** One compaction poll over every running cache (see {@link Compactor}). Runs on the sweeper; never blocks it. */
  void pollCompaction() {
    long before = compactor.compactedRevision();
    compactor.poll(caches.values().stream().map(e -> e.target).toList()).whenComplete((rev, err) -> {
      if (err != null) {
        LOG.debug("compaction poll failed: {}", err.toString());
      } else if (rev > before) {
        LOG.info("upstream compacted below revision {}: older snapshots dropped ({} probes so far)", rev, compactor.probes());
      }
    });
  }

  /**
   * Keeps each custom resource's cache true to its CRD's {@code selectableFields} (the field table
   * is fixed when a cache starts: its extractor reads those paths from every object). A field the
   * cache knows but the CRD no longer declares (removed, or the version changed) would let a selector
   * the apiserver now refuses be served: that cache is stopped at once, its watchers end as on an
   * upstream restart, and the next read starts it anew. A field the CRD declares but the cache does
   * not know is only a missed saving (such selectors go upstream), so that cache is restarted only
   * while it feeds no watcher. Runs on the sweeper; the CRD is read from Breakwater's own CRD cache,
   * so a change is acted on about a second after that cache's WATCH delivers it.
   */
  void refreshSelectableFields() {
    caches.forEach((key, e) -> {
      if (e.protobuf || e.resource.builtIn()) {
        return;
      }
      List<String> now = selectableFields.apply(e.resource);
      boolean stale = !now.containsAll(e.selectableFields);
      boolean missed = !e.selectableFields.containsAll(now) && e.cacher.watchCache().watchers().isEmpty();
      if ((stale || missed) && caches.remove(key, e)) {
        LOG.info("restarting cache for {}: its CRD's selectable fields are now {} (cache started with {})",
            e.cacher.groupResource(), now, e.selectableFields);
        e.cacher.close();
      }
    });
  }

  /** Whether the cache of {@code r} in that representation is running. */
  boolean running(Resource r, boolean protobuf) {
    return caches.containsKey(key(r, protobuf));
  }

  /** The running JSON cache of {@code r}, without starting one. */
  Optional<Cacher> runningCacher(Resource r) {
    return Optional.ofNullable(caches.get(key(r, false))).map(e -> e.cacher);
  }

  private static String key(Resource r, boolean protobuf) {
    return r.group() + "/" + r.version() + "/" + r.resource() + (protobuf ? "#protobuf" : "");
  }

  /** The compactor (tests). */
  Compactor compactor() {
    return compactor;
  }

  /** The cacher of {@code r} in one representation, started on first use and marked used now. */
  Cacher cacheFor(Resource r, boolean protobuf) {
    if (closed) {
      throw new IllegalStateException("cache manager closed");
    }
    String key = key(r, protobuf);
    Entry entry = caches.get(key);
    if (entry != null) {
      entry.lastUsedNanos = System.nanoTime();
      return entry.cacher;
    }
    // Read before computeIfAbsent: it may start the CRD cache, another entry of this map.
    List<String> fields = protobuf || r.builtIn() ? List.of() : selectableFields.apply(r);
    entry = caches.computeIfAbsent(key, k -> {
      String name = r.groupResource() + (protobuf ? " (protobuf)" : "");
      LOG.info("starting cache for {}", name);
      // Gauges look the cache up, so that a cache stopped when idle and started again is what they report.
      metrics.cacheGauges(protobuf ? r.groupResource() + "#protobuf" : r.groupResource(),
          () -> gauge(key, c -> c.watchCache().watchers().size()), () -> gauge(key, c -> c.watchCache().current().store().size()));
      metrics.upstreamHealth(protobuf ? r.groupResource() + "#protobuf" : r.groupResource(), () -> {
        Entry e = caches.get(key);
        return e == null ? null : e.cacher.health().status();
      });
      Cacher cacher = UpstreamCachers.start(upstream, r, metrics, protobuf, fields,
          policy.consistencyCheckInterval());
      return new Entry(cacher, new ExactRevisionProbe(upstream, r.collectionPath(), cacher, metrics), r, protobuf, fields);
    });
    entry.lastUsedNanos = System.nanoTime();
    return entry.cacher;
  }

  private int gauge(String key, ToIntFunction<Cacher> f) {
    Entry e = caches.get(key);
    return e == null ? 0 : f.applyAsInt(e.cacher);
  }

  int size() {
    return caches.size();
  }

  /** Each running cacher's upstream feed by name ({@code configmaps}, {@code …#protobuf}), sorted. */
  java.util.SortedMap<String, dev.breakwater.cache.reflector.UpstreamHealth.Status> health() {
    java.util.SortedMap<String, dev.breakwater.cache.reflector.UpstreamHealth.Status> out = new java.util.TreeMap<>();
    caches.values().forEach(e -> out.put(e.cacher.groupResource() + (e.cacher.codecs().protobuf() ? "#protobuf" : ""),
        e.cacher.health().status()));
    return out;
  }

  @Override
  public void close() {
    closed = true;
    sweeper.shutdownNow();
    caches.values().forEach(e -> e.cacher.close());
    caches.clear();
  }
}
