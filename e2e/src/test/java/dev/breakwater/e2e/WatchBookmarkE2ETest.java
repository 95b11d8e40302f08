package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The initial-events-end BOOKMARK of a WatchList (what client-go's WatchListClient waits for),
 * from the cache and from the apiserver, byte for byte but the resourceVersion. The apiserver
 * writes an empty object of the kind, so kinds whose Go types have fields without
 * {@code omitempty} carry them: PodTemplate {@code "template":{"metadata":{},"spec":{"containers":null}}},
 * Service {@code "spec":{},"status":{"loadBalancer":{}}}, LimitRange {@code "spec":{"limits":null}},
 * ResourceQuota {@code "spec":{},"status":{}}. ConfigMap has none.
 */
@ExtendWith(ClusterExtension.class)
class WatchBookmarkE2ETest {

  static final String QUERY = "watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1";
  static Breakwater bw;
  static LocalCluster cluster;

  @BeforeAll
  static void setUp(LocalCluster c) throws Exception {
    cluster = c;
    Set<String> kinds = Set.of("configmaps", "podtemplates", "services", "limitranges", "resourcequotas");
    bw = Breakwater.start(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withCachePolicy(new CachePolicy(Set.of(), Set.of(), kinds, CachePolicy.DEFAULT.idleTimeout())));
    // A WATCH that meets a starting cache goes upstream: wait until each warmed cache serves (LIST RV=0 waits for it).
    try (HttpClient http = RawHttp.plain()) {
      for (String r : kinds) {
        assertThat(http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/" + r + "?resourceVersion=0"))
            .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
      }
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  @Test
  void configMapBookmarkIsTheApiserversOwn() throws Exception {
    assertSameBookmark("configmaps");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"podtemplates", "services", "limitranges", "resourcequotas"})
  void bookmarkIsTheApiserversOwn(String resource) throws Exception {
    assertSameBookmark(resource);
  }

  static void assertSameBookmark(String resource) throws Exception {
    String path = "/api/v1/namespaces/default/" + resource + "?" + QUERY;
    String upstream;
    try (HttpClient http = RawHttp.direct(cluster)) {
      upstream = bookmark(http.send(HttpRequest.newBuilder(cluster.server().resolve(path)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    long watchesBefore = bw.server().readStats().orElseThrow().watchesFromCache.get();
    String cached;
    try (HttpClient http = RawHttp.plain()) {
      cached = bookmark(http.send(HttpRequest.newBuilder(URI.create(bw.url() + path)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get()).as("served from the cache").isEqualTo(watchesBefore + 1);
    assertThat(cached).as("initial-events-end bookmark of %s, from the cache", resource).isEqualTo(upstream);
  }

  /** The stream's initial-events-end BOOKMARK line, its resourceVersion masked. */
  static String bookmark(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().lines().filter(l -> l.contains("\"BOOKMARK\"") && l.contains("initial-events-end")).findFirst()
        .orElseThrow(() -> new AssertionError("no initial-events-end bookmark in " + r.body()))
        .replaceAll("\"resourceVersion\":\"\\d+\"", "\"resourceVersion\":\"RV\"");
  }
}
