package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Answered;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.Things;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.http.ReadStats;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17: every query parameter the apiserver parses on LIST, GET and WATCH, with the bad values
 * that trip parsers — non-numbers, empty values, repeats, signs, overflow, non-ASCII and non-UTF-8
 * bytes, semicolons, bad escapes, bools spelled "True"/"yes"/"" — sent direct and through Breakwater,
 * for a built-in (configmaps) and a custom resource. Same status; for errors the same Content-Type
 * and Status bytes. The last column says who answers through Breakwater: {@code edge} (the cache's
 * Status), {@code cache} (served from the cache), {@code upstream} (passed on unchanged).
 */
@ExtendWith(ClusterExtension.class)
class QueryParameterDifferentialE2ETest {

  static final String NS = "qparams";
  static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
  static final String GROUP = "qparams.e2e.breakwater.dev";
  static final String THINGS = Things.path(GROUP, NS);

  static LocalCluster cluster;
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("t1").endMetadata().build())
        .serverSideApply();
    Things.apply(c, GROUP, NS);
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String path : new String[] {CMS, THINGS}) {
      await().atMost(Duration.ofSeconds(60)).until(() -> send(plain, URI.create(bw.url() + path + "?resourceVersion=0")).statusCode() == 200);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  static HttpResponse<byte[]> send(HttpClient http, URI uri) {
    return Differential.send(http, uri, "application/json", "breakwater-e2e");
  }

  @ParameterizedTest(name = "[{index}] {0}{1} → {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      # LIST: limit and timeoutSeconds are strconv.ParseInt'ed before anything else
      CMS     | ?timeoutSeconds=abc                                 | edge
      THINGS  | ?timeoutSeconds=abc                                 | edge
      CMS     | ?timeoutSeconds=                                    | edge
      CMS     | ?timeoutSeconds                                     | edge
      CMS     | ?timeoutSeconds=99999999999999999999                | edge
      THINGS  | ?timeoutSeconds=9223372036854775808                 | edge
      CMS     | ?timeoutSeconds=-5                                  | cache
      CMS     | ?timeoutSeconds=1.5                                 | edge
      CMS     | ?timeoutSeconds=%C3%A9                              | edge
      CMS     | ?timeoutSeconds=%E2%80%8B1                          | edge
      CMS     | ?timeoutSeconds=%FF                                 | upstream
      CMS     | ?timeoutSeconds=abc&timeoutSeconds=5                | edge
      CMS     | ?timeoutSeconds=5&timeoutSeconds=abc                | cache
      CMS     | ?timeoutSeconds=abc;x=1                             | cache
      CMS     | ?limit=abc                                          | edge
      THINGS  | ?limit=abc                                          | edge
      CMS     | ?limit=                                             | edge
      CMS     | ?limit=+3                                           | edge
      CMS     | ?limit=%2B3                                         | cache
      CMS     | ?limit=-1                                           | cache
      CMS     | ?limit=0x10                                         | edge
      THINGS  | ?limit=-9223372036854775809                         | edge
      CMS     | ?limit=%D9%A1                                       | edge
      CMS     | ?limit=x&timeoutSeconds=y                           | edge
      CMS     | ?limit=x&labelSelector=a%20in                       | edge
      THINGS  | ?labelSelector=a%20in&limit=x                       | edge
      CMS     | ?labelSelector=a%20in                               | edge
      THINGS  | ?fieldSelector=a                                    | edge
      CMS     | ?timeout=abc                                        | upstream
      THINGS  | ?timeout=5                                          | upstream
      CMS     | ?timeout=30s                                        | cache
      CMS     | ?timeout=0s                                         | cache
      # a non-empty shardSelector is served as a gate-on apiserver serves it (ShardedListWatchE2ETest); this one is gate off
      CMS     | ?shardSelector=                                     | cache
      CMS     | ?shardSelector=shardRange(                          | upstream
      CMS     | ?sendInitialEvents=false                            | edge
      THINGS  | ?sendInitialEvents=                                 | edge
      CMS     | ?allowWatchBookmarks=abc                            | cache
      CMS     | ?watch=false&limit=abc                              | edge
      CMS     | ?watch=False                                        | cache
      CMS     | ?resourceVersionMatch=Exact                         | edge
      # first values, empties and non-ASCII in the string parameters
      CMS     | ?resourceVersionMatch=&resourceVersion=0            | cache
      CMS     | ?resourceVersionMatch=Exact&resourceVersionMatch=Foo&resourceVersion=5 | upstream
      THINGS  | ?resourceVersionMatch=exact&resourceVersion=5       | edge
      CMS     | ?resourceVersion=0&resourceVersion=abc              | cache
      CMS     | ?resourceVersion=%C3%A9                             | upstream
      CMS     | ?continue=%C3%A9                                    | edge
      THINGS  | ?continue=ab%C3%A9cd                                | edge
      CMS     | ?continue=&limit=2                                  | cache
      CMS     | ?labelSelector=%C3%A9                               | edge
      THINGS  | ?labelSelector=a%3D%C3%A9                           | edge
      CMS     | ?labelSelector=&labelSelector=a%20in                | cache
      CMS     | ?fieldSelector=metadata.name%3D%C3%A9               | cache
      CMS     | ?fieldSelector=metadata.name%3D%3Dx%3Dy             | edge
      # WATCH: the same decoding; then the WatchList defaults and validateWatchOptions' 422s
      CMS     | ?watch=1&timeoutSeconds=abc                         | edge
      THINGS  | ?watch=yes&timeoutSeconds=abc                       | edge
      CMS     | ?watch=&limit=abc                                   | edge
      THINGS  | ?watch=True&limit=                                  | edge
      CMS     | ?watch=1&labelSelector=a%20in                       | edge
      CMS     | ?watch=1&sendInitialEvents=true                     | edge
      THINGS  | ?watch=1&sendInitialEvents=abc                      | edge
      CMS     | ?watch=1&resourceVersionMatch=NotOlderThan          | edge
      CMS     | ?watch=1&resourceVersion=0&continue=x               | edge
      THINGS  | ?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact | edge
      CMS     | ?watch=1&resourceVersion=abc                        | upstream
      CMS     | ?watch=1&timeoutSeconds=1                           | cache
      THINGS  | ?watch=yes&timeoutSeconds=1&allowWatchBookmarks=True | cache
      CMS     | ?watch=1&timeoutSeconds=1&timeout=abc               | cache
      CMS     | ?watch=1&sendInitialEvents=yes&resourceVersionMatch=NotOlderThan&timeoutSeconds=1 | cache
      # GET: the request deadline, export, GetOptions
      CMS/t1  | ?export=true                                        | edge
      THINGS/t1 | ?export=                                          | edge
      CMS/t1  | ?export=abc                                         | edge
      CMS/t1  | ?export=False&resourceVersion=0                     | cache
      CMS/t1  | ?export=0&export=1&resourceVersion=0                | cache
      CMS/t1  | ?limit=abc&timeoutSeconds=abc&resourceVersion=0     | cache
      CMS/t1  | ?timeout=abc                                        | upstream
      THINGS/t1 | ?resourceVersion=abc                              | upstream
      """)
  void eachParameterIsAnsweredAsTheApiserverAnswersIt(String path, String query, String answered) {
    String uri = path.replace("CMS", CMS).replace("THINGS", THINGS) + query;
    ReadStats stats = bw.server().readStats().orElseThrow();
    Answered before = Answered.count(stats);
    HttpResponse<byte[]> u = send(direct, cluster.server().resolve(uri));
    HttpResponse<byte[]> t = send(plain, URI.create(bw.url() + uri));
    assertThat(t.statusCode()).as(uri).isEqualTo(u.statusCode());
    if (u.statusCode() >= 400) {
      Differential.assertSame(uri, "application/json", u, t);
    }
    Answered now = Answered.since(stats, before);
    assertThat(now.who()).as("%s answered by (%s)", uri, now).isEqualTo(answered);
  }
}
