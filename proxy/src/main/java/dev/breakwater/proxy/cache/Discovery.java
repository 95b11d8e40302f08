package dev.breakwater.proxy.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.proxy.route.ResourceCatalog;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import dev.breakwater.proxy.upstream.WholeAnswer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which resources the upstream serves: aggregated discovery ({@code /api}, {@code /apis}) and
 * {@code /version}, read at start and refreshed when a request names a resource the catalog does
 * not know, at most every 5 s. While a refresh is in flight lookups wait for it, rather than take
 * the resource for unknown and send their reads upstream.
 *
 * <p>Bad input: an upstream answer that is not usable discovery fails the refresh (logged) and
 * keeps the last catalog; a {@code /version} that is not JSON keeps the last version.
 *
 * <p>Thread-safe: the catalog and version are volatile immutable values.
 */
public final class Discovery {

  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);
  private static final long REFRESH_INTERVAL_NANOS = 5_000_000_000L;

  private final Upstream upstream;
  private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - REFRESH_INTERVAL_NANOS);
  private volatile ResourceCatalog catalog = ResourceCatalog.empty();
  /** The discovery refresh in flight or last completed. */
  private volatile Future<ResourceCatalog> refreshing;
  /** The upstream's {@code /version} major and minor, read with each discovery; null until known. */
  private volatile String[] upstreamVersion;

  public Discovery(Upstream upstream) {
    this.upstream = upstream;
  }

  /** The resource, if the upstream serves it; unknown names trigger a (rate-limited) refresh. */
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
    return refresh().map(c -> c.lookup(group, version, resource)).otherwise(Optional.empty());
  }

  /** Re-reads aggregated discovery ({@code /api} and {@code /apis}) and {@code /version}. */
  public Future<ResourceCatalog> refresh() {
    Future<ResourceCatalog> f = discover();
    refreshing = f;
    return f;
  }

  /**
   * The upstream's {@code /version} {@code major} and {@code minor} (as it writes them), if a
   * discovery has read it; re-read with every refresh, so an upgraded upstream is seen.
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
      } catch (IOException e) {
        throw new IllegalStateException("upstream discovery is not usable: " + e.getMessage(), e);
      }
    })).onFailure(err -> LOG.warn("discovery refresh failed: {}", err.toString()));
  }

  /** Reads {@code /version} into {@link #upstreamVersion}; never fails (a failure keeps the last value). */
  private Future<Void> readVersion() {
    return get("/version").<Void>map(body -> {
      try {
        var v = new ObjectMapper().readTree(body.getBytes());
        upstreamVersion = new String[] {v.path("major").asText(""), v.path("minor").asText("")};
      } catch (IOException e) {
        LOG.warn("upstream /version is not JSON: {}", e.toString());
      }
      return null;
    }).otherwise(err -> {
      LOG.warn("upstream /version: {}", err.toString());
      return null;
    });
  }

  private Future<Buffer> get(String path) {
    return WholeAnswer.of(upstream.request(upstream.get(path, ResourceCatalog.DISCOVERY_ACCEPT, "breakwater-discovery")))
        .compose(a -> a.status() == 200 ? Future.succeededFuture(a.body())
            : Future.failedFuture("GET " + path + " answered " + a.status()));
  }
}
