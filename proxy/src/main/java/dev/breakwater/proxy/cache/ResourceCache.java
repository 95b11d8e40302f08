package dev.breakwater.proxy.cache;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.codec.TypeMeta;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.Reflector;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One cached resource (all namespaces): a {@link WatchCache} fed by a {@link Reflector} over one
 * upstream LIST/WatchList + WATCH, the serving path whose rules it answers by, and the
 * coalesced probe of the upstream's current RV for consistent reads.
 *
 * <p>Threading: the reflector and the cache's writer side run on this resource's own
 * single-threaded executor; readers (request handlers on event loops) read the cache
 * lock-free. {@link #close} stops the reflector and the executor.
 */
public final class ResourceCache implements AutoCloseable {

  private final Resource resource;
  private final ServingPath path;
  private final FieldLabels fieldLabels;
  private final ObjectExtractor extractor;
  private final TypeMeta typeMeta;
  private final dev.breakwater.cache.codec.PartialObjectMetadataCodec partialObjectMetadata;
  private final WatchCache cache;
  private final Reflector reflector;
  /** Whether the upstream feed delivers (issue 16: /readyz, outage metrics). */
  private final dev.breakwater.cache.reflector.UpstreamHealth health;
  private final ScheduledExecutorService executor;
  private final CurrentResourceVersionProbe probe;
  private final dev.breakwater.proxy.metrics.ProxyMetrics metrics;
  private final boolean protobuf;
  private final dev.breakwater.cache.codec.ProtobufFrames protobufFrames;
  private final JsonFrames jsonFrames;
  /** Watch encoders shared by all watchers of a representation (each event encoded once), by representation key. */
  private final java.util.concurrent.ConcurrentHashMap<String, dev.breakwater.cache.codec.SharedWatchEncoder> watchEncoders =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile long lastUsedNanos = System.nanoTime();

  ResourceCache(Upstream upstream, Resource resource, dev.breakwater.proxy.metrics.ProxyMetrics metrics) {
    this(upstream, resource, metrics, false);
  }

  /**
   * @param protobuf a cache of the resource's protobuf representation (built-in resources only):
   *     fed by its own upstream LIST+WATCH in protobuf, objects kept as the apiserver's protobuf bytes
   */
  ResourceCache(Upstream upstream, Resource resource, dev.breakwater.proxy.metrics.ProxyMetrics metrics, boolean protobuf) {
    if (protobuf && !resource.builtIn()) {
      throw new IllegalArgumentException("custom resources have no protobuf representation");
    }
    this.metrics = metrics;
    this.resource = resource;
    this.path = servingPath(resource);
    this.protobuf = protobuf;
    // Custom resources: metadata.name (and metadata.namespace if namespaced) only — their CRD's
    // selectableFields are not read yet, so selectors on other fields fail to convert and go upstream.
    // The protobuf cache indexes only ObjectMeta, so it too selects on those two fields only.
    this.fieldLabels = resource.builtIn() && !protobuf ? FieldLabels.forKind(resource.group(), resource.kind())
        : FieldLabels.forCustomResource(resource.namespaced(), java.util.List.of());
    this.extractor = new ObjectExtractor(fieldLabels.jsonPaths());
    this.typeMeta = new TypeMeta(resource.kind(), resource.apiVersion());
    this.partialObjectMetadata = new dev.breakwater.cache.codec.PartialObjectMetadataCodec(!resource.builtIn());
    this.cache = new WatchCache(Clock.systemUTC());
    this.executor = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("cache-" + resource.groupResource() + (protobuf ? "-protobuf" : "")).factory());
    HttpListerWatcher lw;
    if (protobuf) {
      this.protobufFrames = new dev.breakwater.cache.codec.ProtobufFrames(
          new dev.breakwater.cache.object.ProtobufExtractor(fieldLabels.jsonPaths()));
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), HttpListerWatcher.WireFormat.protobuf(protobufFrames));
      this.jsonFrames = null;
    } else {
      this.protobufFrames = null;
      this.jsonFrames = new JsonFrames(extractor, typeMeta);
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), jsonFrames);
    }
    this.health = new dev.breakwater.cache.reflector.UpstreamHealth(Clock.systemUTC());
    this.reflector = new Reflector(resource.groupResource(), lw, cache, executor, health,
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

  public ServingPath path() {
    return path;
  }

  public WatchCache cache() {
    return cache;
  }

  public Reflector reflector() {
    return reflector;
  }

  /** The upstream feed's availability and outage account. */
  public dev.breakwater.cache.reflector.UpstreamHealth health() {
    return health;
  }

  public FieldLabels fieldLabels() {
    return fieldLabels;
  }

  public ObjectExtractor extractor() {
    return extractor;
  }

  public TypeMeta typeMeta() {
    return typeMeta;
  }

  /** Whether objects are kept in protobuf (see the constructor). */
  public boolean protobuf() {
    return protobuf;
  }

  /** The protobuf decoder (with the type's bookmark template); null for a JSON cache. */
  public dev.breakwater.cache.codec.ProtobufFrames protobufFrames() {
    return protobufFrames;
  }

  /** The JSON decoder (with the kind's bookmark template); null for a protobuf cache. */
  public JsonFrames jsonFrames() {
    return jsonFrames;
  }

  /**
   * The watch encoder all watchers of representation {@code key} share, built by {@code make} on
   * first use: an event fanned out to them is encoded once ({@link dev.breakwater.cache.codec.SharedWatchEncoder}).
   * {@code key} must name everything the encoder's output depends on.
   */
  public dev.breakwater.cache.codec.WatchEventEncoder sharedWatchEncoder(String key,
      java.util.function.Supplier<dev.breakwater.cache.codec.WatchEventEncoder> make) {
    return watchEncoders.computeIfAbsent(key, k -> new dev.breakwater.cache.codec.SharedWatchEncoder(make.get()));
  }

  /** PartialObjectMetadata of this resource's objects (memoized per object). */
  public dev.breakwater.cache.codec.PartialObjectMetadataCodec partialObjectMetadata() {
    return partialObjectMetadata;
  }

  /** The storage key of the collection ({@code /registry/configmaps}[{@code /ns}]) for continue tokens. */
  public String listKey(String namespace) {
    String root = "/registry/" + resource.groupResource();
    return namespace.isEmpty() ? root : root + "/" + namespace;
  }

  /** A point-in-time view for the routing decision. */
  public CacheState state() {
    var ready = cache.ready().state() == dev.breakwater.cache.Ready.State.READY;
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
    };
  }

  /**
   * Completes once the cache holds every change up to the upstream's current RV as of a moment
   * after {@code arrivalNanos} (a consistent read): probe the upstream RV (coalesced), then wait
   * for the cache to reach it, asking the reflector for a progress confirmation when it is not
   * there yet. The caller bounds the wait.
   */
  public CompletableFuture<Long> fresh(long arrivalNanos) {
    CompletableFuture<Long> f = probe.currentResourceVersion(arrivalNanos).thenCompose(this::whenFresh);
    f.whenComplete((rv, err) -> {
      if (err == null) {
        metrics.freshnessWait(resource.groupResource(), java.time.Duration.ofNanos(System.nanoTime() - arrivalNanos));
      }
    });
    return f;
  }

  /**
   * Completes once the cache RV is at least {@code rv}. When it is behind, asks the reflector for
   * a progress confirmation, as the apiserver requests etcd watch progress while anyone waits:
   * on a quiet resource the RV would otherwise only move with the next minute's bookmark.
   */
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
  public void close() {
    reflector.stop();
    cache.stop();
    executor.shutdown();
  }
}
