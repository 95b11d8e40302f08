package dev.breakwater.proxy.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.table.BuiltInTableConvertors;
import dev.breakwater.cache.table.CustomResourceTableConvertor;
import dev.breakwater.cache.table.TableConvertor;
import dev.breakwater.proxy.cache.CacheManager;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Table convertor serves a resource's Tables from the cache, if any: a ported built-in
 * printer ({@link BuiltInTableConvertors}, only while the upstream's {@code /version} is the
 * minor release they were ported from), or for a custom resource the
 * {@code additionalPrinterColumns} of its CustomResourceDefinition. CRDs are read from
 * Breakwater's own cache of {@code customresourcedefinitions.apiextensions.k8s.io} (started by
 * the first custom-resource Table request, then kept current by its WATCH), so a change of
 * printer columns is picked up as soon as that watch delivers it, as the apiserver's CRD handler
 * picks it up from its informer. {@link #await} waits (bounded) for that cache to start; while it
 * is not ready, or when the policy excludes CRDs from caching, or a column's JSONPath cannot be
 * parsed, the answer is empty and the request goes upstream.
 *
 * <p>Thread-safe; never blocks. Convertors are memoized per CRD object (a new CRD
 * resourceVersion is a new object).
 */
public final class TableConvertors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Parsed(CachedObject crd, Map<String, Optional<CustomResourceTableConvertor>> byVersion) {}

  private final CacheManager caches;
  private final ConcurrentHashMap<String, Parsed> parsed = new ConcurrentHashMap<>();
  /** Row-cell memos, one per convertor in use (weak: a replaced CRD's convertor goes with its memo). */
  private final com.github.benmanes.caffeine.cache.Cache<TableConvertor, dev.breakwater.cache.table.TableRowCells> rowCells =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().build();

  public TableConvertors(CacheManager caches) {
    this.caches = caches;
  }

  /** The row-cell memo of {@code convertor}, shared by every Table request it serves. */
  public dev.breakwater.cache.table.TableRowCells rowCells(TableConvertor convertor) {
    return rowCells.get(convertor, dev.breakwater.cache.table.TableRowCells::new);
  }

  /**
   * The convertor for {@code r}'s Tables, once known: at once for a built-in resource or when the
   * CRD cache is ready; else when that cache (started here if need be) becomes ready, or empty
   * after {@code maxWaitMs}. Completes on an arbitrary thread.
   */
  public CompletableFuture<Optional<TableConvertor>> await(Resource r, long maxWaitMs) {
    if (r.builtIn()) {
      return CompletableFuture.completedFuture(find(r));
    }
    return caches.whenCrdsKnown(maxWaitMs).thenApply(v -> find(r));
  }

  /** The convertor for {@code r}'s Tables now; empty = the request goes upstream. */
  public Optional<TableConvertor> find(Resource r) {
    if (r.builtIn()) {
      // Ported printers print as their own minor release; another upstream words its own Tables.
      boolean sameRelease = caches.upstreamVersion().map(v -> BuiltInTableConvertors.portedFrom(v[0], v[1])).orElse(false);
      return sameRelease ? BuiltInTableConvertors.lookup(r.groupResource(), r.version()) : Optional.empty();
    }
    Optional<CachedObject> crd = caches.crd(r);
    if (crd.isEmpty()) {
      return Optional.empty();
    }
    String name = r.resource() + "." + r.group();
    Parsed p = parsed.compute(name, (k, old) -> old != null && old.crd() == crd.get() ? old
        : new Parsed(crd.get(), new ConcurrentHashMap<>()));
    return p.byVersion().computeIfAbsent(r.version(), v -> convertor(crd.get(), v)).map(c -> c);
  }

  private static Optional<CustomResourceTableConvertor> convertor(CachedObject crd, String version) {
    try {
      JsonNode node = JSON.readTree(crd.copyJson());
      return CustomResourceTableConvertor.fromDefinition(node, version);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
