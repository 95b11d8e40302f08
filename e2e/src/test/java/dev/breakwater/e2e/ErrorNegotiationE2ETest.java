package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Errors answered at the edge are the apiserver's, byte for byte, in the encoding the apiserver
 * negotiates for them: 406s (go-restful's route check for built-ins, the handler's negotiation —
 * a custom resource's protobuf-only Accept gets a protobuf Status, a protobuf Table a raw
 * indented JSON one), and the cache's own errors (404, 400) for protobuf, Table-only and
 * PartialObjectMetadata-only Accept headers, pretty for curl. Each row is sent direct and through
 * Breakwater; the row says whether Breakwater answered it itself ("edge") or passed it upstream.
 */
@ExtendWith(ClusterExtension.class)
class ErrorNegotiationE2ETest {

  static final String NS = "errneg";
  static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
  static final String GROUP = "errors.e2e.breakwater.dev";
  static final String THINGS = Things.path(GROUP, NS);
  static final String PB = "application/vnd.kubernetes.protobuf";

  static LocalCluster cluster;
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm1").endMetadata().build())
        .serverSideApply();
    Things.apply(c, GROUP, NS);
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String path : new String[] {CMS, THINGS}) {
      await().atMost(Duration.ofSeconds(60)).until(() -> Differential.send(plain, URI.create(bw.url() + path + "?resourceVersion=0"),
          "application/json", "breakwater-e2e").statusCode() == 200);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  @ParameterizedTest(name = "[{index}] {0} | {1} | {2} → {3}")
  @CsvSource(delimiter = '|', textBlock = """
      # path                                 | Accept                                                             | User-Agent | answered
      CMS                                    | text/html                                                          | e2e        | edge
      CMS                                    | text/html                                                          | curl/8     | edge
      CMS?watch=1                            | text/html                                                          | e2e        | edge
      CMS/cm1                                | 'text/plain, image/png'                                            | e2e        | edge
      CMS/cm1                                | 'application/*'                                                    | e2e        | edge
      CMS/cm1                                | 'application/*'                                                    | curl/8     | edge
      CMS/cm1                                | 'Application/JSON'                                                 | e2e        | edge
      CMS                                    | 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io'  | e2e        | edge
      CMS                                    | 'application/json;as=Foo;g=meta.k8s.io;v=v1'                       | e2e        | edge
      CMS/cm1                                | 'application/json;as=PartialObjectMetadata;g=meta.k8s.io'          | e2e        | edge
      CMS/missing                            | application/vnd.kubernetes.protobuf                                | e2e        | edge
      CMS/missing                            | 'application/vnd.kubernetes.protobuf, application/json'           | e2e        | edge
      CMS/missing                            | 'application/json;as=Table;v=v1;g=meta.k8s.io'                     | e2e        | edge
      CMS/missing                            | 'application/json;as=Table;v=v1;g=meta.k8s.io'                     | curl/8     | edge
      CMS/missing                            | 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' | e2e | edge
      CMS/missing                            | 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;pretty=1' | e2e | edge
      CMS/missing                            | 'application/json;pretty=1'                                        | e2e        | edge
      CMS?resourceVersionMatch=Exact         | application/vnd.kubernetes.protobuf                                | e2e        | edge
      CMS?continue=bad                       | application/vnd.kubernetes.protobuf                                | e2e        | edge
      CMS/missing                            | application/yaml                                                   | e2e        | edge
      CMS/missing                            | 'application/yaml;pretty=1'                                        | curl/8     | edge
      CMS/missing                            | 'application/json;q=0.5, application/yaml'                         | e2e        | edge
      CMS?resourceVersionMatch=Exact         | application/yaml                                                   | e2e        | edge
      CMS?continue=bad                       | application/yaml                                                   | e2e        | edge
      CMS/missing?resourceVersion=abc        | application/yaml                                                   | e2e        | upstream
      THINGS/missing                         | application/yaml                                                   | e2e        | edge
      CMS/missing                            | 'application/json;q=1e0'                                           | e2e        | upstream
      THINGS                                 | application/vnd.kubernetes.protobuf                                | e2e        | edge
      THINGS?watch=1                         | application/vnd.kubernetes.protobuf                                | e2e        | edge
      THINGS/t1                              | application/vnd.kubernetes.protobuf                                | curl/8     | edge
      THINGS/t1                              | text/html                                                          | e2e        | edge
      THINGS/t1                              | 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io'  | e2e        | edge
      THINGS/missing                         | 'application/json;as=Table;v=v1;g=meta.k8s.io'                     | e2e        | edge
      THINGS/missing                         | 'application/vnd.kubernetes.protobuf, application/json'           | curl/8     | edge
      THINGS/missing                         | 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' | e2e | edge
      """)
  void errorsAreTheApiserversInTheEncodingItNegotiates(String path, String accept, String userAgent, String answered) {
    String query = path.replace("CMS", CMS).replace("THINGS", THINGS);
    ReadStats stats = bw.server().readStats().orElseThrow();
    AtomicLong edge = stats.errorsAtEdge;
    long edgeBefore = edge.get();
    long upstreamBefore = stats.passedUpstream.get();
    HttpResponse<byte[]> u = Differential.send(direct, cluster.server().resolve(query), accept, userAgent);
    HttpResponse<byte[]> t = Differential.send(plain, URI.create(bw.url() + query), accept, userAgent);
    assertThat(u.statusCode()).as("the apiserver answers this with an error").isGreaterThanOrEqualTo(400);
    Differential.assertSame(query + " (" + userAgent + ")", accept, u, t);
    assertThat(t.headers().firstValue("Cache-Control")).isEqualTo(u.headers().firstValue("Cache-Control"));
    if (answered.equals("edge")) {
      assertThat(edge.get() - edgeBefore).as("answered at the edge (upstream %d, gets %d)",
          stats.passedUpstream.get() - upstreamBefore, stats.getsFromCache.get()).isEqualTo(1);
      assertThat(stats.passedUpstream.get()).as("not passed upstream").isEqualTo(upstreamBefore);
    } else {
      assertThat(stats.passedUpstream.get() - upstreamBefore).as("passed upstream").isEqualTo(1);
    }
  }
}
