package dev.breakwater.e2e;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.codec.TypeMeta;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.Reflector;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.cache.HttpListerWatcher;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A WatchCache fed by a real apiserver's LIST+WATCH through the reflector (over HTTP, JSON,
 * bytes kept as LIST items are written): its state equals the upstream's after a burst of
 * creates, updates and deletes — with a WatchList initial sync and with a paginated LIST — and
 * after a real 410 it relists and its watchers receive the difference as events.
 */
@ExtendWith(ClusterExtension.class)
class ReflectorE2ETest {

  Vertx vertx;
  ScheduledExecutorService executor;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("reflector").factory());
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
    vertx.close().await();
  }

  Upstream upstream(LocalCluster cluster) throws Exception {
    Config config = Config.fromKubeconfig(null, Files.readString(cluster.kubeconfig()), cluster.kubeconfig().toString());
    return Upstream.create(vertx, config, Duration.ofSeconds(5), Clock.systemUTC());
  }

  Reflector reflector(Upstream upstream, WatchCache store, boolean watchList, long resumeFrom) {
    HttpListerWatcher lw = new HttpListerWatcher(upstream, "/api/v1/configmaps",
        new JsonFrames(new ObjectExtractor(java.util.List.of()), new TypeMeta("ConfigMap", "v1")));
    return new Reflector("configmaps", lw, store, executor, null, ThreadLocalRandom.current()::nextDouble, watchList, resumeFrom);
  }

  @ParameterizedTest(name = "watchList={0}")
  @ValueSource(booleans = {true, false})
  void storeFollowsABurstOfChanges(boolean watchList, LocalCluster cluster, KubernetesClient direct) throws Exception {
    String ns = "reflector-" + watchList;
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 20; i++) {
      direct.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("pre-" + i).endMetadata()
          .addToData("i", String.valueOf(i)).build()).create();
    }
    WatchCache store = new WatchCache(Clock.systemUTC());
    Reflector r = reflector(upstream(cluster), store, watchList, 0);
    int atSync = upstreamVersions(cluster).size();
    r.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> r.lastSyncResourceVersion() > 0);
    for (int i = 0; i < 30; i++) {
      direct.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("burst-" + i).endMetadata().build()).create();
      direct.configMaps().inNamespace(ns).withName("pre-" + (i % 20)).edit(cm -> new ConfigMapBuilder(cm).addToData("round", "x" + cm.getMetadata().getResourceVersion()).build());
      if (i % 3 == 0) {
        direct.configMaps().inNamespace(ns).withName("burst-" + i).delete();
      }
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(versions(store)).isEqualTo(upstreamVersions(cluster)));
    assertThat(r.relists()).isZero();
    // A WatchList sync lists nothing; a LIST sync takes one request per page of 500 (other tests share the cluster).
    if (watchList) {
      assertThat(r.lists()).isZero();
    } else {
      assertThat(r.lists()).isEqualTo(Math.max(1, (atSync + 499) / 500));
    }
    // Stored bytes are the LIST item the apiserver writes for this object, byte for byte.
    String key = ns + "/pre-3";
    try (var http = RawHttp.direct(cluster)) {
      String list = http.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/namespaces/" + ns
          + "/configmaps?fieldSelector=metadata.name%3Dpre-3")).build(), HttpResponse.BodyHandlers.ofString()).body();
      String stored = store.current().store().get(key).orElseThrow().jsonString();
      assertThat(list).contains("\"items\":[" + stored + "]}");
    }
    r.stop();
  }

  @org.junit.jupiter.api.Test
  void relistAfterAnEtcdCompaction410TurnsTheDifferenceIntoEvents() throws Exception {
    // configmaps served from etcd (no watch cache) with fast compaction: resuming from a
    // compacted revision gets the etcd path's 410 from the apiserver.
    try (LocalCluster cluster = Clusters.startPrivate(LocalCluster.builder()
        .apiServerFlag("--watch-cache-sizes=configmaps#0").apiServerFlag("--etcd-compaction-interval=2s"))) {
      relistAfter410(cluster, stoppedAt ->
          // Revisions after stoppedAt must be gone too, else the watch from stoppedAt+1 still works.
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
              .until(() -> exactListStatus(cluster, stoppedAt + 1) == 410));
    }
  }

  @org.junit.jupiter.api.Test
  void relistAfterAnApiserverRestart410TurnsTheDifferenceIntoEvents() throws Exception {
    // A restarted apiserver's watch cache starts at the current revision: a watch from before
    // the writes made meanwhile gets the watch cache's "too old resource version" 410.
    try (LocalCluster cluster = Clusters.startPrivate(LocalCluster.builder())) {
      relistAfter410(cluster, stoppedAt -> {
        try {
          cluster.stopApiServer();
          cluster.startApiServer();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }

  private void relistAfter410(LocalCluster cluster, java.util.function.LongConsumer expire) throws Exception {
    try (KubernetesClient direct = ClusterExtension.direct(cluster)) {
      var cms = direct.configMaps().inNamespace("default");
      for (int i = 0; i < 5; i++) {
        cms.resource(new ConfigMapBuilder().withNewMetadata().withName("keep-" + i).endMetadata().build()).create();
      }
      Upstream upstream = upstream(cluster);
      WatchCache store = new WatchCache(Clock.systemUTC());
      Reflector first = reflector(upstream, store, false, 0);
      first.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> versions(store).equals(upstreamVersions(cluster)));
      first.stop();
      await().atMost(Duration.ofSeconds(5)).until(() -> first.phase() == Reflector.Phase.STOPPED);
      long stoppedAt = store.resourceVersion();
      // A client watching the cache across the relist: it must see the difference, not be dropped.
      List<String> seen = new CopyOnWriteArrayList<>();
      assertThat(store.watch(new WatchCache.WatchRequest("", stoppedAt, null, false, SelectionPredicate.everything(), null),
          new RecordingSink(seen)).isOk()).isTrue();

      cms.resource(new ConfigMapBuilder().withNewMetadata().withName("added-while-away").endMetadata().build()).create();
      cms.withName("keep-0").edit(cm -> new ConfigMapBuilder(cm).addToData("changed", "yes").build());
      cms.withName("keep-1").delete();
      expire.accept(stoppedAt);

      Reflector second = reflector(upstream, store, false, stoppedAt);
      second.start();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(versions(store)).isEqualTo(upstreamVersions(cluster)));
      assertThat(second.relists()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen).containsExactlyInAnyOrder(
          "ADDED default/added-while-away", "MODIFIED default/keep-0", "DELETED default/keep-1"));
      second.stop();
    }
  }

  /** key → RV of every object the cache holds. */
  static Map<String, Long> versions(WatchCache cache) {
    Map<String, Long> m = new TreeMap<>();
    cache.current().store().forEach(o -> m.put(o.namespace() + "/" + o.name(), o.resourceVersion()));
    return m;
  }

  /** Records "TYPE ns/name" of every non-bookmark event; never applies back-pressure. */
  record RecordingSink(List<String> seen) implements WatchSink {
    @Override
    public void write(Event e) {
      if (e.type() != EventType.BOOKMARK) {
        seen.add(e.type() + " " + e.object().namespace() + "/" + e.object().name());
      }
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
    }

    @Override
    public void end() {
    }
  }

  static int exactListStatus(LocalCluster cluster, long rv) throws Exception {
    try (var http = RawHttp.direct(cluster)) {
      return http.send(HttpRequest.newBuilder(cluster.server().resolve(
          "/api/v1/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=1")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  /** key → RV of every ConfigMap upstream, from a direct consistent LIST. */
  static Map<String, Long> upstreamVersions(LocalCluster cluster) {
    try (KubernetesClient direct = ClusterExtension.direct(cluster)) {
      Map<String, Long> m = new TreeMap<>();
      direct.configMaps().inAnyNamespace().list().getItems().forEach(cm ->
          m.put(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName(), Long.parseLong(cm.getMetadata().getResourceVersion())));
      return m;
    }
  }
}
