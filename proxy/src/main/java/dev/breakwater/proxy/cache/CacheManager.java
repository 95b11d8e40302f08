package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.config.CachePolicy;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.Future;
import java.util.Optional;
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

  private final CachePolicy policy;
  private final Discovery discovery;
  private final CacheRegistry registry;

  public CacheManager(Upstream upstream, ProxyMetrics metrics, CachePolicy policy) {
    this.policy = policy;
    this.discovery = new Discovery(upstream);
    this.registry = new CacheRegistry(upstream, metrics, policy);
  }

  /** Whether the policy lets {@code r} be cached. */
  public boolean allows(Resource r) {
    return policy.allows(r.groupResource());
  }

  /** Discovers the upstream's resources and starts the caches the policy warms. */
  public Future<Void> start() {
    return discovery.refresh().map(c -> {
      for (String name : policy.warm()) {
        c.find(name).filter(Resource::cacheable).filter(this::allows).ifPresentOrElse(this::cacheFor,
            () -> LOG.warn("--cache-warm {}: not a cacheable resource of the upstream", name));
      }
      return null;
    });
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
