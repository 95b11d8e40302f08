package dev.breakwater.proxy.cache;

import dev.breakwater.proxy.route.ResourceCatalog;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caches of one Breakwater: which resources the upstream serves (discovery, refreshed when
 * a request names a resource the catalog does not know, at most every 5 s), and one
 * {@link ResourceCache} per resource, started on the first read of it.
 *
 * <p>Thread-safe: the catalog is a volatile immutable value; caches live in a concurrent map.
 */
public final class CacheManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CacheManager.class);
  private static final long REFRESH_INTERVAL_NANOS = 5_000_000_000L;

  private final Upstream upstream;
  private final dev.breakwater.proxy.metrics.ProxyMetrics metrics;
  private final dev.breakwater.config.CachePolicy policy;
  private final java.util.concurrent.ScheduledExecutorService sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("cache-idle-sweeper").factory());
  private final ConcurrentHashMap<String, ResourceCache> caches = new ConcurrentHashMap<>();
  private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - REFRESH_INTERVAL_NANOS);
  private volatile ResourceCatalog catalog = ResourceCatalog.empty();
  /** The discovery refresh in flight or last completed. */
  private volatile Future<ResourceCatalog> refreshing;
  /** The upstream's {@code /version} major and minor, read with each discovery; null until known. */
  private volatile String[] upstreamVersion;
  private volatile boolean closed;

  public CacheManager(Upstream upstream, dev.breakwater.proxy.metrics.ProxyMetrics metrics, dev.breakwater.config.CachePolicy policy) {
    this.upstream = upstream;
    this.metrics = metrics;
    this.policy = policy;
    if (!policy.idleTimeout().isZero()) {
      long period = Math.max(100, Math.min(30_000, policy.idleTimeout().toMillis() / 4));
      sweeper.scheduleWithFixedDelay(this::stopIdle, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Whether the policy lets {@code r} be cached. */
  public boolean allows(Resource r) {
    return policy.allows(r.groupResource());
  }

  /** Discovers the upstream's resources and starts the caches the policy warms. */
  public Future<Void> start() {
    return refreshCatalog().map(c -> {
      for (String name : policy.warm()) {
        c.find(name).filter(Resource::cacheable).filter(this::allows).ifPresentOrElse(this::cacheFor,
            () -> LOG.warn("--cache-warm {}: not a cacheable resource of the upstream", name));
      }
      return null;
    });
  }

  /**
   * Stops caches that no request used for the idle timeout and that feed no watcher, so a
   * resource read once does not hold its upstream WATCH and memory forever. Runs on the sweeper.
   */
  void stopIdle() {
    long now = System.nanoTime();
    long idle = policy.idleTimeout().toNanos();
    caches.forEach((key, rc) -> {
      if (now - rc.lastUsedNanos() > idle && rc.cache().watchers().isEmpty() && caches.remove(key, rc)) {
        LOG.info("stopping idle cache for {}", rc.resource().groupResource());
        rc.close();
      }
    });
  }

  /**
   * The resource, if the upstream serves it; unknown names trigger a (rate-limited) discovery
   * refresh. While a refresh is in flight (the first one at start), lookups wait for it rather
   * than take the resource for unknown and send their reads upstream.
   */
  public Future<Optional<Resource>> resource(String group, String version, String resource) {
    Optional<Resource> known = catalog.lookup(group, version, resource);
    if (known.isPresent()) {
      return Future.succeededFuture(known);
    }
    Future<ResourceCatalog> inFlight = refreshing;
    if (inFlight != null && !inFlight.isComplete()) {
      return inFlight.map(c -> c.lookup(group, version, resource)).otherwise(Optional.empty());
    }
    long last = lastRefresh.get();
    if (System.nanoTime() - last < REFRESH_INTERVAL_NANOS || !lastRefresh.compareAndSet(last, System.nanoTime())) {
      return Future.succeededFuture(Optional.empty());
    }
    return refreshCatalog().map(c -> c.lookup(group, version, resource)).otherwise(Optional.empty());
  }

  /** Re-reads aggregated discovery ({@code /api} and {@code /apis}). */
  public Future<ResourceCatalog> refreshCatalog() {
    Future<ResourceCatalog> f = discover();
    refreshing = f;
    return f;
  }

  /**
   * The upstream's {@code /version} {@code major} and {@code minor} (as it writes them), if a
   * discovery has read it; re-read with every discovery refresh, so an upgraded upstream is seen.
   */
  public Optional<String[]> upstreamVersion() {
    return Optional.ofNullable(upstreamVersion);
  }

  private Future<ResourceCatalog> discover() {
    return readVersion().compose(v -> get("/api")).compose(core -> get("/apis").map(groups -> {
      try {
        ResourceCatalog c = ResourceCatalog.parse(core.getBytes(), groups.getBytes());
        catalog = c;
        return c;
      } catch (java.io.IOException e) {
        throw new IllegalStateException("upstream discovery is not usable: " + e.getMessage(), e);
      }
    })).onFailure(err -> LOG.warn("discovery refresh failed: {}", err.toString()));
  }

  /** Reads {@code /version} into {@link #upstreamVersion}; never fails (a failure keeps the last value). */
  private Future<Void> readVersion() {
    return get("/version").<Void>map(body -> {
      try {
        var v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body.getBytes());
        upstreamVersion = new String[] {v.path("major").asText(""), v.path("minor").asText("")};
      } catch (java.io.IOException e) {
        LOG.warn("upstream /version is not JSON: {}", e.toString());
      }
      return null;
    }).otherwise(err -> {
      LOG.warn("upstream /version: {}", err.toString());
      return null;
    });
  }

  private Future<Buffer> get(String path) {
    return upstream.http().request(upstream.get(path, ResourceCatalog.DISCOVERY_ACCEPT, "breakwater-discovery"))
        .compose(HttpClientRequest::send)
        .compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("GET " + path + " answered " + resp.statusCode()));
  }

  /** The (JSON) cache of a cacheable resource, started on first use. */
  public ResourceCache cacheFor(Resource r) {
    return cacheFor(r, false);
  }

  /**
   * The cache of a cacheable resource in one representation, started on first use: JSON, or
   * protobuf (built-in resources; a second upstream LIST+WATCH, in protobuf, started when the
   * first protobuf client of the resource arrives).
   */
  public ResourceCache cacheFor(Resource r, boolean protobuf) {
    if (closed) {
      throw new IllegalStateException("cache manager closed");
    }
    String key = r.group() + "/" + r.version() + "/" + r.resource() + (protobuf ? "#protobuf" : "");
    ResourceCache cache = caches.computeIfAbsent(key, k -> {
      String name = r.groupResource() + (protobuf ? " (protobuf)" : "");
      LOG.info("starting cache for {}", name);
      // Gauges look the cache up, so that a cache stopped when idle and started again is what they report.
      metrics.cacheGauges(protobuf ? r.groupResource() + "#protobuf" : r.groupResource(), () -> gauge(key, c -> c.cache().watchers().size()),
          () -> gauge(key, c -> c.cache().current().store().size()));
      metrics.upstreamHealth(protobuf ? r.groupResource() + "#protobuf" : r.groupResource(), () -> {
        ResourceCache c = caches.get(key);
        return c == null ? null : c.health().status();
      });
      return new ResourceCache(upstream, r, metrics, protobuf);
    });
    cache.touch();
    return cache;
  }

  private int gauge(String key, java.util.function.ToIntFunction<ResourceCache> f) {
    ResourceCache c = caches.get(key);
    return c == null ? 0 : f.applyAsInt(c);
  }

  public int size() {
    return caches.size();
  }

  /**
   * The upstream feed of every running cache, by name ({@code configmaps}, {@code deployments.apps},
   * {@code …#protobuf}), sorted: for {@code /readyz?verbose}.
   */
  public java.util.SortedMap<String, dev.breakwater.cache.reflector.UpstreamHealth.Status> health() {
    java.util.SortedMap<String, dev.breakwater.cache.reflector.UpstreamHealth.Status> out = new java.util.TreeMap<>();
    caches.values().forEach(c -> out.put(c.resource().groupResource() + (c.protobuf() ? "#protobuf" : ""), c.health().status()));
    return out;
  }

  @Override
  public void close() {
    closed = true;
    sweeper.shutdownNow();
    caches.values().forEach(ResourceCache::close);
    caches.clear();
  }
}
