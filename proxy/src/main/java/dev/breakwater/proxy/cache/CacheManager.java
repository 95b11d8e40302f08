package dev.breakwater.proxy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.selector.CrdSelectableFields;
import dev.breakwater.config.CachePolicy;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caches of one Breakwater, as the read path asks for them: {@link Discovery} (which resources
 * the upstream serves, and its version), the cache policy (which of them may be cached, which are
 * warmed at start) and the {@link CacheRegistry} of running {@link Cacher}s (started on first use,
 * stopped when idle). Thread-safe.
 */
public final class CacheManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CacheManager.class);

  private static final String CRD_GROUP = "apiextensions.k8s.io";

  private final CachePolicy policy;
  private final Discovery discovery;
  private final CacheRegistry registry;
  /** The caches {@code --cache-warm} started; null until discovery has answered (or failed). */
  private volatile List<Resource> warm;
  /** Selectable fields by version, memoized per CRD object (a new resourceVersion is a new object). */
  private final Cache<CachedObject, Map<String, List<String>>> selectable = Caffeine.newBuilder().weakKeys().build();

  public CacheManager(Upstream upstream, ProxyMetrics metrics, CachePolicy policy) {
    this.policy = policy;
    this.discovery = new Discovery(upstream);
    this.registry = new CacheRegistry(upstream, metrics, policy, this::selectableFields);
  }

  /** Whether the policy lets {@code r} be cached. */
  public boolean allows(Resource r) {
    return policy.allows(r.groupResource());
  }

  /** Discovers the upstream's resources and starts the caches the policy warms. */
  public Future<Void> start() {
    return discovery.refresh().map(c -> {
      List<Resource> started = new java.util.ArrayList<>();
      for (String name : policy.warm()) {
        c.find(name).filter(Resource::cacheable).filter(this::allows).ifPresentOrElse(r -> {
          cacheFor(r);
          started.add(r);
        }, () -> LOG.warn("--cache-warm {}: not a cacheable resource of the upstream", name));
      }
      warm = List.copyOf(started);
      return (Void) null;
    }).onFailure(e -> {
      if (!policy.warm().isEmpty()) {
        LOG.warn("--cache-warm: discovery failed ({}); those caches start on first use", e.toString());
      }
      warm = List.of();
    });
  }

  /**
   * What keeps the warm-up from being over: {@code discovery} while discovery has not answered, then each cache
   * {@code --cache-warm} started that has neither synced nor been refused (a refused cache sends its readers
   * upstream at once, so it is as warm as it gets). Empty once warm.
   */
  public List<String> warming() {
    List<Resource> w = warm;
    if (w == null) {
      return List.of("discovery");
    }
    List<String> pending = new java.util.ArrayList<>();
    for (Resource r : w) {
      // A warm cache stopped for idleness since is nothing to wait for.
      registry.runningCacher(r).map(Cacher::state).filter(st -> !st.ready() && !st.refused())
          .ifPresent(st -> pending.add(r.groupResource()));
    }
    return pending;
  }

  /** {@link Discovery#resource}. */
  public Future<Optional<Resource>> resource(String group, String version, String resource) {
    return discovery.resource(group, version, resource);
  }

  /** {@link Discovery#refresh}. */
  public Future<ResourceCatalog> refreshCatalog() {
    return discovery.refresh();
  }

  /** {@link Discovery#upstreamVersion}. */
  public Optional<String[]> upstreamVersion() {
    return discovery.upstreamVersion();
  }

  /** The (JSON) cache of a cacheable resource, started on first use. */
  public Cacher cacheFor(Resource r) {
    return cacheFor(r, false);
  }

  /**
   * The cache of a cacheable resource in one representation, started on first use: JSON, or
   * protobuf (built-in resources; a second upstream LIST+WATCH, in protobuf, started when the
   * first protobuf client of the resource arrives).
   */
  public Cacher cacheFor(Resource r, boolean protobuf) {
    return registry.cacheFor(r, protobuf);
  }

  public int size() {
    return registry.size();
  }

  /**
   * Breakwater's own cache of CustomResourceDefinitions (started on first use), if discovery has
   * seen the upstream serve them and the policy lets them be cached. Custom resources' Tables and
   * field selectors are read from it, as the apiserver's CRD handler reads CRDs from its informer.
   */
  public Optional<Cacher> crdCache() {
    Optional<Resource> r = resource(CRD_GROUP, "v1", "customresourcedefinitions").result();
    if (r == null || r.isEmpty() || !allows(r.get())) {
      return Optional.empty();
    }
    return Optional.of(cacheFor(r.get()));
  }

  /** The CRD of custom resource {@code r} as the CRD cache holds it now; empty for a built-in, or while that cache is not ready. */
  public Optional<CachedObject> crd(Resource r) {
    if (r.builtIn()) {
      return Optional.empty();
    }
    return crdCache().filter(c -> c.state().ready())
        .flatMap(c -> c.watchCache().current().store().get(r.resource() + "." + r.group()));
  }

  /**
   * Completes (with null, on an arbitrary thread) once the CRD cache is ready, after {@code maxWaitMs}
   * if it is not, or at once when there is none.
   */
  public CompletableFuture<Void> whenCrdsKnown(long maxWaitMs) {
    Optional<Cacher> c = crdCache();
    if (c.isEmpty() || c.get().state().ready()) {
      return CompletableFuture.completedFuture(null);
    }
    return c.get().watchCache().ready().whenReady() // a fresh copy per call: the timeout is ours alone
        .orTimeout(maxWaitMs, TimeUnit.MILLISECONDS).handle((ok, err) -> null);
  }

  /** Whether {@code r}'s JSON cache is running (its first read does not start it). */
  public boolean running(Resource r) {
    return registry.running(r, false);
  }

  /** Whether {@code r}'s cache in one representation is running (asking does not start it). */
  public boolean running(Resource r, boolean protobuf) {
    return registry.running(r, protobuf);
  }

  /**
   * The JSON paths of custom resource {@code r}'s selectable fields ({@link CrdSelectableFields}) as
   * the CRD cache knows them now; empty for a built-in, or while the CRD is not known.
   */
  List<String> selectableFields(Resource r) {
    return crd(r).map(o -> selectable.get(o, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(r.version(), v -> CrdSelectableFields.of(o.copyJson(), v))).orElse(List.of());
  }

  /**
   * The upstream feed of every running cache, by name ({@code configmaps}, {@code deployments.apps},
   * {@code …#protobuf}), sorted: for {@code /readyz?verbose}.
   */
  public java.util.SortedMap<String, dev.breakwater.cache.reflector.UpstreamHealth.Status> health() {
    return registry.health();
  }

  @Override
  public void close() {
    registry.close();
  }
}
