package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.Kubeconfigs;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A cache whose upstream LIST is refused must not make clients wait. Breakwater runs with
 * {@code --auth=none} as a ServiceAccount that may read configmaps only in its own namespace (a
 * TokenRequest token): its cluster-wide cache LIST of configmaps is refused 403, so every read of
 * configmaps goes upstream at once, as Breakwater — a namespaced LIST the Role allows is 200, the
 * rest the apiserver's 403, byte for byte, even for a query the cache would have rejected 400
 * (the apiserver authorizes before it parses). Before the fix: 10 s, then 429.
 */
@ExtendWith(ClusterExtension.class)
class RefusedCacheE2ETest {

  static final String NS = "refused";
  static LocalCluster cluster;
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static String token;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient admin) throws Exception {
    cluster = c;
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("mine").endMetadata().build())
        .serverSideApply();
    admin.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata().withName("limited").endMetadata()
        .build()).serverSideApply();
    admin.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("read-cm").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withVerbs("get", "list", "watch").build())
        .build()).serverSideApply();
    admin.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata().withName("read-cm").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "read-cm")
        .addNewSubject().withKind("ServiceAccount").withName("limited").withNamespace(NS).endSubject().build()).serverSideApply();
    token = admin.serviceAccounts().inNamespace(NS).withName("limited")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    Path kc = Kubeconfigs.withToken(Files.createTempFile("refused-", ".kubeconfig"), c.server().toString(),
        c.workDir().resolve("pki").resolve("ca.crt"), token);
    bw = Breakwater.start(Breakwater.config(kc, Optional.empty()).withCacheReads(true));
    direct = HttpClient.newBuilder().sslContext(RawHttp.sslContext(kc)).connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).build();
    plain = RawHttp.plain();
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  static HttpResponse<byte[]> send(HttpClient http, URI uri, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json").header("User-Agent", "breakwater-e2e")
        .timeout(Duration.ofSeconds(30));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "[{index}] {0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      /api/v1/namespaces/default/configmaps                         | 403
      /api/v1/namespaces/default/configmaps?limit=abc               | 403
      /api/v1/configmaps?resourceVersion=0                          | 403
      /api/v1/namespaces/default/configmaps/kube-root-ca.crt        | 403
      /api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1 | 403
      /api/v1/namespaces/refused/configmaps/mine?resourceVersion=0  | 200
      /api/v1/namespaces/refused/configmaps?limit=abc               | 400
      /api/v1/namespaces/refused/configmaps?watch=1&timeoutSeconds=1 | 200
      """)
  void readsOfARefusedResourceGoUpstreamAtOnce(String path, int code) {
    HttpResponse<byte[]> u = send(direct, cluster.server().resolve(path), token);
    long start = System.nanoTime();
    HttpResponse<byte[]> t = send(plain, URI.create(bw.url() + path), null);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(u.statusCode()).as(path).isEqualTo(code);
    if (code >= 400) {
      Differential.assertSame(path, "application/json", u, t);
    } else {
      assertThat(t.statusCode()).as(path).isEqualTo(code);
    }
    // a watch lasts its timeoutSeconds=1; nothing waits for the refused cache's 10 s readiness bound
    assertThat(took).as("%s answered in %s", path, took).isLessThan(Duration.ofSeconds(4));
  }

  @org.junit.jupiter.api.Test
  void aNamespacedListTheIdentityMayMakeIsTheApiserversAnswer() {
    String path = "/api/v1/namespaces/refused/configmaps";
    HttpResponse<byte[]> t = send(plain, URI.create(bw.url() + path), null);
    assertThat(t.statusCode()).isEqualTo(200);
    assertThat(new String(t.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"name\":\"mine\"");
  }
}
