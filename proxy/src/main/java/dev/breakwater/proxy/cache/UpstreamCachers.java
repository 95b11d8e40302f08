package dev.breakwater.proxy.cache;

import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.cache.cacher.ConsistencyChecker;
import dev.breakwater.cache.cacher.ResourceCodecs;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.object.ProtobufExtractor;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.route.ResourceCatalog.Resource;
import dev.breakwater.proxy.upstream.Upstream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts cache-core's {@link Cacher} for a discovered resource over the upstream: the HTTP
 * {@link HttpListerWatcher} (JSON, or protobuf for a protobuf cache of a built-in) and the
 * {@link CurrentResourceVersionProbe} are the adapters it is given; the resource's field labels,
 * scope, codecs and serving path are read from discovery. Stateless.
 */
final class UpstreamCachers {

  private UpstreamCachers() {}

  /**
   * @param protobuf a cache of the resource's protobuf representation (built-in resources only):
   *     fed by its own upstream LIST+WATCH in protobuf, objects kept as the apiserver's protobuf bytes
   * @param consistencyCheckInterval how often the cache is compared with the upstream ({@link ConsistencyChecker},
   *     through {@link ExactKeyLister}; both representations are checked against the same metadata list);
   *     zero: never
   */
  static Cacher start(Upstream upstream, Resource resource, ProxyMetrics metrics, boolean protobuf, List<String> selectableFields,
      Duration consistencyCheckInterval) {
    if (protobuf && !resource.builtIn()) {
      throw new IllegalArgumentException("custom resources have no protobuf representation");
    }
    // Custom resources: metadata.name (and metadata.namespace if namespaced) plus the CRD version's
    // selectableFields as known at start (CacheRegistry restarts the cache when they change); a
    // selector on any other field fails to convert and goes upstream. Built-ins: the kind's field
    // labels, in protobuf too where every one of them has a known place in the message
    // (ProtobufFieldPaths); otherwise the protobuf cache selects on the two metadata fields only.
    FieldLabels fieldLabels = resource.builtIn() ? FieldLabels.forKind(resource.group(), resource.kind())
        : FieldLabels.forCustomResource(resource.namespaced(), selectableFields);
    ProtobufExtractor protobufExtractor = null;
    if (protobuf) {
      protobufExtractor = ProtobufExtractor.forKind(resource.apiVersion(), resource.kind(), fieldLabels.jsonPaths()).orElse(null);
      if (protobufExtractor == null) {
        fieldLabels = FieldLabels.forCustomResource(resource.namespaced(), List.of());
        protobufExtractor = new ProtobufExtractor(fieldLabels.jsonPaths());
      }
    }
    ObjectExtractor extractor = new ObjectExtractor(fieldLabels.jsonPaths());
    ResourceScope scope = new ResourceScope("/registry/" + resource.groupResource(), resource.namespaced(), fieldLabels, extractor);
    ResourceCodecs codecs;
    HttpListerWatcher lw;
    if (protobuf) {
      codecs = ResourceCodecs.protobuf(resource.kind(), resource.apiVersion(), protobufExtractor);
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), HttpListerWatcher.WireFormat.protobuf(codecs.protobufFrames()));
    } else {
      codecs = ResourceCodecs.json(resource.kind(), resource.apiVersion(), resource.builtIn(), extractor);
      lw = new HttpListerWatcher(upstream, resource.collectionPath(), codecs.jsonFrames());
    }
    Cacher.Spec spec = new Cacher.Spec(resource.group(), resource.resource(), resource.groupResource(), servingPath(resource),
        scope, codecs);
    CurrentResourceVersionProbe probe = new CurrentResourceVersionProbe(upstream, resource.collectionPath());
    String gr = resource.groupResource();
    Cacher cacher = Cacher.start(spec, lw, probe, Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble(),
        new Cacher.Observer() {
          @Override
          public void freshnessConfirmed(Duration waited) {
            metrics.freshnessWait(gr, waited);
          }
        }, "cache-" + gr + (protobuf ? "-protobuf" : ""));
    if (!consistencyCheckInterval.isZero()) {
      String label = protobuf ? gr + "#protobuf" : gr;
      metrics.consistencyChecksRegistered(label);
      cacher.checkConsistency(ConsistencyChecker.Config.every(consistencyCheckInterval),
          new ExactKeyLister(upstream, resource.collectionPath()), o -> metrics.consistencyCheck(label, o.result().label()));
    }
    return cacher;
  }

  /**
   * The apiserver serves core and events.k8s.io events straight from etcd (they are not
   * watch-cached); everything else from its watch cache (SEMANTICS.md, "Two serving paths").
   */
  static ServingPath servingPath(Resource r) {
    boolean events = r.resource().equals("events") && (r.group().isEmpty() || r.group().equals("events.k8s.io"));
    return events ? ServingPath.ETCD : ServingPath.WATCH_CACHE;
  }
}
