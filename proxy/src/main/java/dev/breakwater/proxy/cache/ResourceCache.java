package dev.breakwater.proxy.cache;

import dev.breakwater.cache.CacheWatcher;
import dev.breakwater.cache.Ready;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.cacher.ResourceCodecs;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.object.ProtobufExtractor;
import dev.breakwater.cache.reflector.Reflector;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.watch.WatchEvent;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One cached resource (all namespaces): a {@link WatchCache} fed by a {@link Reflector} over one
 * upstream LIST/WatchList + WATCH, the serving path whose rules it answers by, its codecs, and the
 * coalesced probe of the upstream's current RV for consistent reads. The {@link CacheReads} the
 * read exchanges plan against and serve from.
 *
 * <p>Threading: the reflector and the cache's writer side run on this resource's own
 * single-threaded executor; readers (request handlers on event loops) read the cache
 * lock-free. {@link #close} stops the reflector and the executor.
 */
public final class ResourceCache implements CacheReads, AutoCloseable {

  private final Resource resource;
  private final ServingPath path;
  private final ResourceScope scope;
  private final ResourceCodecs codecs;
  private final WatchCache cache;
  private final Reflector reflector;
  private final ScheduledExecutorService executor;
  private final CurrentResourceVersionProbe probe;
  private final ProxyMetrics metrics;
  private volatile long lastUsedNanos = System.nanoTime();

  ResourceCache(Upstream upstream, Resource resource, ProxyMetrics metrics) {
    this(upstream, resource, metrics, false);
  }

  /**
   * @param protobuf a cache of the resource's protobuf representation (built-in resources only):
   *     fed by its own upstream LIST+WATCH in protobuf, objects kept as the apiserver's protobuf bytes
   */
  ResourceCache(Upstream upstream, Resource resource, ProxyMetrics metrics, boolean protobuf) {
    if (protobuf && !resource.builtIn()) {
      throw new IllegalArgumentException("custom resources have no protobuf representation");
    }
    this.metrics = metrics;
    this.resource = resource;
    this.path = servingPath(resource);
    // Custom resources: metadata.name (and metadata.namespace if namespaced) only — their CRD's
    // selectableFields are not read yet, so selectors on other fields fail to convert and go upstream.
    // The protobuf cache indexes only ObjectMeta, so it too selects on those two fields only.
    FieldLabels fieldLabels = resource.builtIn() && !protobuf ? FieldLabels.forKind(resource.group(), resource.kind())
        : FieldLabels.forCustomResource(resource.namespaced(), List.of());
    ObjectExtractor extractor = new ObjectExtractor(fieldLabels.jsonPaths());
    this.scope = new ResourceScope("/registry/" + resource.groupResource(), resource.namespaced(), fieldLabels, extractor);
    this.cache = new WatchCache(Clock.systemUTC());
    this.executor = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("cache-" + resource.groupResource() + (protobuf ? "-protobuf" : "")).factory());
    HttpListerWatcher lw;
    if (protobuf) {
      this.codecs = ResourceCodecs.protobuf(resource.kind(), resource.apiVersion(), new ProtobufExtractor(fieldLabels.jsonPaths()));
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), HttpListerWatcher.WireFormat.protobuf(codecs.protobufFrames()));
    } else {
      this.codecs = ResourceCodecs.json(resource.kind(), resource.apiVersion(), resource.builtIn(), extractor);
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), codecs.jsonFrames());
    }
    this.reflector = new Reflector(resource.groupResource(), lw, cache, executor, null,
        () -> ThreadLocalRandom.current().nextDouble(), true, 0);
    this.probe = new CurrentResourceVersionProbe(upstream, resource.collectionPath());
    executor.scheduleAtFixedRate(cache::tick, 1, 1, TimeUnit.SECONDS);
    reflector.start();
  }

  /**
   * The apiserver serves core and events.k8s.io events straight from etcd (they are not
   * watch-cached); everything else from its watch cache (SEMANTICS.md, "Two serving paths").
   */
  static ServingPath servingPath(Resource r) {
    boolean events = r.resource().equals("events") && (r.group().isEmpty() || r.group().equals("events.k8s.io"));
    return events ? ServingPath.ETCD : ServingPath.WATCH_CACHE;
  }

  /** Marks the cache as used now (for idle stop). */
  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  public Resource resource() {
    return resource;
  }

  @Override
  public ServingPath path() {
    return path;
  }

  @Override
  public ResourceScope scope() {
    return scope;
  }

  @Override
  public ResourceCodecs codecs() {
    return codecs;
  }

  @Override
  public String groupResource() {
    return resource.groupResource();
  }

  @Override
  public ApiStatus notFound(String name) {
    return ApiStatus.notFound(resource.group(), resource.resource(), name);
  }

  public WatchCache cache() {
    return cache;
  }

  public Reflector reflector() {
    return reflector;
  }

  @Override
  public CacheState state() {
    var ready = cache.ready().state() == Ready.State.READY;
    long rv = cache.resourceVersion();
    return new CacheState() {
      @Override
      public boolean ready() {
        return ready;
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
    };
  }

  @Override
  public CompletableFuture<?> whenReady() {
    return cache.ready().whenReady();
  }

  /**
   * Completes once the cache holds every change up to the upstream's current RV as of a moment
   * after {@code arrivalNanos} (a consistent read): probe the upstream RV (coalesced), then wait
   * for the cache to reach it, asking the reflector for a progress confirmation when it is not
   * there yet. The caller bounds the wait.
   */
  @Override
  public CompletableFuture<Long> fresh(long arrivalNanos) {
    CompletableFuture<Long> f = probe.currentResourceVersion(arrivalNanos).thenCompose(this::whenFresh);
    f.whenComplete((rv, err) -> {
      if (err == null) {
        metrics.freshnessWait(resource.groupResource(), Duration.ofNanos(System.nanoTime() - arrivalNanos));
      }
    });
    return f;
  }

  /**
   * Completes once the cache RV is at least {@code rv}. When it is behind, asks the reflector for
   * a progress confirmation, as the apiserver requests etcd watch progress while anyone waits:
   * on a quiet resource the RV would otherwise only move with the next minute's bookmark.
   */
  @Override
  public CompletableFuture<Long> whenFresh(long rv) {
    if (Long.compareUnsigned(cache.resourceVersion(), rv) >= 0) {
      return CompletableFuture.completedFuture(cache.resourceVersion());
    }
    CompletableFuture<Long> f = cache.whenFresh(rv);
    reflector.requestProgress();
    // A progress watch already in flight may have started before this RV existed and end below
    // it: keep asking (one at a time, coalesced by the reflector) while this waiter waits, as the
    // apiserver requests etcd progress every 100 ms while anyone waits. Bounded: callers give up
    // after 3 s.
    var poke = executor.scheduleWithFixedDelay(() -> {
      if (!f.isDone()) {
        reflector.requestProgress();
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
    executor.schedule(() -> poke.cancel(false), 5, TimeUnit.SECONDS);
    f.whenComplete((v, err) -> poke.cancel(false));
    return f;
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

  @Override
  public void close() {
    reflector.stop();
    cache.stop();
    executor.shutdown();
  }
}
