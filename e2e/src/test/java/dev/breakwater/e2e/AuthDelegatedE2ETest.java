package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.config.AuthConfig;
import dev.breakwater.config.HostPort;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.Pki;
import dev.breakwater.e2e.support.Rbac;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 against the real apiserver (RBAC on): a differential matrix per identity — the same
 * reads sent directly and through Breakwater in {@code --auth=delegated} mode with the cache on —
 * status codes, Status bodies and allowed bodies identical, and no object outside an identity's
 * rights ever reaching it through Breakwater. Plus a continue token replayed by another user, a
 * write showing the real user, and impersonation.
 */
class AuthDelegatedE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static LocalCluster cluster;
  static KubernetesClient admin;
  static Breakwater bw;
  static final List<Identity> IDENTITIES = new ArrayList<>();
  static Identity nsUser;
  static Identity adminId;

  /** An identity: how it authenticates (token or client certificate) and the namespaces it may list configmaps in. */
  record Identity(String name, String token, SSLContext ssl, Set<String> listable, Set<String> gettable) {
    boolean mayList(String ns) {
      return listable.contains("*") || listable.contains(ns);
    }

    boolean mayGet(String ns) {
      return gettable.contains("*") || gettable.contains(ns);
    }

    HttpClient client() {
      return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    cluster = Clusters.startPrivate(LocalCluster.builder()
        .token("tok-ns-user", "ns-user", "u-ns")
        .token("tok-get-user", "get-user", "u-get")
        .token("tok-no-rights", "no-rights", "u-none")
        .token("tok-named-user", "named-user", "u-named"));
    admin = ClusterExtension.direct(cluster);
    for (String ns : List.of("auth-a", "auth-b")) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
      for (int i = 0; i < 4; i++) {
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).endMetadata()
            .addToData("secret", ns + i).build()).serverSideApply();
      }
    }
    role("reader", List.of("get", "list", "watch"));
    role("getter", List.of("get"));
    bind("reader", "User", "ns-user");
    bind("getter", "User", "get-user");
    bind("reader", "Group", "cert-group");
    // resourceNames: only cm-1, for get, list and watch (kubectl get cm cm-1 -w lists and watches by field selector)
    admin.rbac().roles().inNamespace("auth-a").resource(new RoleBuilder().withNewMetadata().withName("named-reader").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withResourceNames("cm-1")
            .withVerbs("get", "list", "watch").build()).build()).serverSideApply();
    bind("named-reader", "User", "named-user");
    admin.serviceAccounts().inNamespace("auth-a").resource(new ServiceAccountBuilder().withNewMetadata().withName("sa1").endMetadata()
        .build()).serverSideApply();
    bind("reader", "ServiceAccount", "sa1");
    String saToken = admin.serviceAccounts().inNamespace("auth-a").withName("sa1")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();

    Path pki = cluster.workDir().resolve("pki");
    Path certDir = Files.createTempDirectory(cluster.workDir(), "client-cert-");
    Path cert = Pki.signClientCert(certDir, "client", "cert-user", "cert-group", pki.resolve("ca.crt"), pki.resolve("ca.key"));
    SSLContext caOnly = ssl(new ConfigBuilder(Config.empty()).withCaCertFile(pki.resolve("ca.crt").toString()).build());
    SSLContext withCert = ssl(new ConfigBuilder(Config.empty()).withCaCertFile(pki.resolve("ca.crt").toString())
        .withClientCertFile(cert.toString()).withClientKeyFile(certDir.resolve("client.key").toString()).withClientKeyAlgo("EC").build());
    Set<String> both = Set.of("*"); // system:masters: every namespace, kube-system included
    adminId = new Identity("admin", LocalCluster.ADMIN_TOKEN, caOnly, both, both);
    nsUser = new Identity("ns-user", "tok-ns-user", caOnly, Set.of("auth-a"), Set.of("auth-a"));
    IDENTITIES.add(adminId);
    IDENTITIES.add(nsUser);
    IDENTITIES.add(new Identity("get-user", "tok-get-user", caOnly, Set.of(), Set.of("auth-a")));
    IDENTITIES.add(new Identity("no-rights", "tok-no-rights", caOnly, Set.of(), Set.of()));
    IDENTITIES.add(new Identity("sa1", saToken, caOnly, Set.of("auth-a"), Set.of("auth-a")));
    IDENTITIES.add(new Identity("cert-user", null, withCert, Set.of("auth-a"), Set.of("auth-a")));
    IDENTITIES.add(new Identity("forged-token", "not-a-real-token", caOnly, Set.of(), Set.of()));

    AuthConfig auth = new AuthConfig(AuthConfig.Mode.DELEGATED, Optional.of(pki.resolve("ca.crt")), Optional.empty(), List.of(),
        List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), false, List.of(),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    ServeConfig base = Breakwater.config(cluster.kubeconfig(), Optional.empty());
    ServeConfig config = new ServeConfig(base.kubeconfig(), base.context(), new HostPort("127.0.0.1", 0), base.adminListen(),
        Optional.of(pki.resolve("apiserver.crt")), Optional.of(pki.resolve("apiserver.key")), base.shutdownGrace(),
        base.upstreamConnectTimeout(), true, base.cachePolicy(), auth);
    assertThat(config.validate()).isEmpty();
    bw = Breakwater.start(config);
    // warm the configmaps cache as admin
    await().atMost(Duration.ofSeconds(30)).until(() -> send(adminId, true, "/api/v1/configmaps?resourceVersion=0", "application/json")
        .statusCode() == 200 && bw.server().caches().orElseThrow().size() > 0);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static void role(String name, List<String> verbs) {
    admin.rbac().roles().inNamespace("auth-a").resource(new RoleBuilder().withNewMetadata().withName(name).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withVerbs(verbs).build()).build()).serverSideApply();
  }

  static void bind(String role, String kind, String subject) {
    Rbac.bind(admin, "auth-a", role, kind, subject);
  }

  static SSLContext ssl(Config c) throws Exception {
    return SSLUtils.sslContext(c);
  }

  static HttpResponse<byte[]> send(Identity id, boolean through, String pathAndQuery, String accept, String... headers) throws Exception {
    URI base = through ? URI.create(bw.url()) : cluster.server();
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(20))
        .header("Accept", accept).header("User-Agent", "breakwater-e2e");
    if (id.token() != null) {
      b.header("Authorization", "Bearer " + id.token());
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try (HttpClient c = id.client()) {
      return c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
  static final String META = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io";
  static final String PROTO = "application/vnd.kubernetes.protobuf";

  /** The same reads, direct and through, for every identity; bodies identical; leaks counted. */
  @Test
  void differentialMatrixPerIdentity() throws Exception {
    List<String[]> reads = List.of(
        new String[] {"/api/v1/configmaps", "application/json"},
        new String[] {"/api/v1/namespaces/auth-a/configmaps", "application/json"},
        new String[] {"/api/v1/namespaces/auth-b/configmaps", "application/json"},
        new String[] {"/api/v1/namespaces/auth-a/configmaps/cm-1", "application/json"},
        new String[] {"/api/v1/namespaces/auth-b/configmaps/cm-1", "application/json"},
        new String[] {"/api/v1/namespaces/auth-a/configmaps", TABLE},
        new String[] {"/api/v1/namespaces/auth-a/configmaps", META},
        new String[] {"/api/v1/namespaces/auth-a/configmaps", PROTO},
        new String[] {"/api/v1/configmaps", PROTO},
        new String[] {"/api/v1/namespaces/auth-b/configmaps/cm-2", PROTO});
    int leaked = 0;
    int compared = 0;
    for (Identity id : IDENTITIES) {
      for (String[] r : reads) {
        HttpResponse<byte[]> direct = send(id, false, r[0], r[1]);
        HttpResponse<byte[]> through = send(id, true, r[0], r[1]);
        // A consistent LIST's RV is etcd's current revision: any write in the cluster between the two sends (the
        // apiserver's own lease renewals) moves it; a Table's Age cell is computed per request. Ask again, twice at
        // most: a real difference stays.
        for (int again = 0; again < 2 && !java.util.Arrays.equals(direct.body(), through.body()); again++) {
          direct = send(id, false, r[0], r[1]);
          through = send(id, true, r[0], r[1]);
        }
        Differential.assertSame(id.name() + " " + r[0], r[1], direct, through);
        leaked += leaks(id, through, r[1]);
        compared++;
      }
      // first page and continue, and a watch: codes (and Status bodies) identical
      for (String path : List.of("/api/v1/configmaps?limit=2", "/api/v1/namespaces/auth-a/configmaps?limit=2")) {
        HttpResponse<byte[]> direct = send(id, false, path, "application/json");
        HttpResponse<byte[]> through = send(id, true, path, "application/json");
        assertThat(through.statusCode()).as(id.name() + " " + path).isEqualTo(direct.statusCode());
        leaked += leaks(id, through, "application/json");
        if (through.statusCode() == 200) {
          String cont = JSON.readTree(through.body()).path("metadata").path("continue").asText("");
          String contDirect = JSON.readTree(direct.body()).path("metadata").path("continue").asText("");
          assertThat(cont.isEmpty()).isEqualTo(contDirect.isEmpty());
          if (!cont.isEmpty()) {
            var page2 = send(id, true, path + "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8), "application/json");
            var page2Direct = send(id, false, path + "&continue=" + URLEncoder.encode(contDirect, StandardCharsets.UTF_8), "application/json");
            assertThat(page2.statusCode()).isEqualTo(page2Direct.statusCode());
            assertThat(names(page2.body())).isEqualTo(names(page2Direct.body()));
            leaked += leaks(id, page2, "application/json");
          }
        } else {
          assertThat(through.body()).as(id.name() + " " + path).isEqualTo(direct.body());
        }
      }
      for (String path : List.of("/api/v1/configmaps?watch=1&timeoutSeconds=1", "/api/v1/namespaces/auth-a/configmaps?watch=1&timeoutSeconds=1")) {
        HttpResponse<byte[]> direct = send(id, false, path, "application/json");
        HttpResponse<byte[]> through = send(id, true, path, "application/json");
        assertThat(through.statusCode()).as(id.name() + " " + path).isEqualTo(direct.statusCode());
        if (through.statusCode() != 200) {
          assertThat(new String(through.body())).isEqualTo(new String(direct.body()));
        } else {
          for (byte[] f : Differential.frames(through.body(), "application/json")) {
            String ns = JSON.readTree(f).path("object").path("metadata").path("namespace").asText("");
            if (!ns.isEmpty() && !id.mayList(ns)) {
              leaked++;
            }
          }
        }
      }
    }
    assertThat(compared).isEqualTo(IDENTITIES.size() * reads.size());
    assertThat(leaked).as("objects outside an identity's rights").isZero();
  }

  static List<String> names(byte[] list) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(list).path("items").forEach(i -> out.add(i.path("metadata").path("namespace").asText() + "/" + i.path("metadata").path("name").asText()));
    return out;
  }

  static int leaks(Identity id, HttpResponse<byte[]> r, String accept) throws Exception {
    if (r.statusCode() != 200 || !accept.startsWith("application/json")) {
      return 0;
    }
    JsonNode root = JSON.readTree(r.body());
    int n = 0;
    if (root.has("items")) {
      for (JsonNode i : root.path("items")) {
        if (!id.mayList(i.path("metadata").path("namespace").asText())) {
          n++;
        }
      }
    } else if (root.has("rows")) {
      for (JsonNode row : root.path("rows")) {
        if (!id.mayList(row.path("object").path("metadata").path("namespace").asText())) {
          n++;
        }
      }
    } else if (root.path("kind").asText().equals("ConfigMap")
        && !id.mayGet(root.path("metadata").path("namespace").asText())) {
      n++;
    }
    return n;
  }

  /**
   * A user allowed only {@code resourceNames: [cm-1]} lists and watches that one object through a
   * {@code metadata.name} field selector, which the apiserver authorizes with the name; any other
   * name, or no selector, is denied — through Breakwater exactly as direct (it had denied them all).
   */
  @Test
  void aListPinnedByMetadataNameIsAuthorizedWithThatName() throws Exception {
    Identity named = new Identity("named-user", "tok-named-user", adminId.ssl(), Set.of(), Set.of());
    for (String path : List.of("/api/v1/namespaces/auth-a/configmaps?fieldSelector=metadata.name%3Dcm-1",
        "/api/v1/namespaces/auth-a/configmaps?fieldSelector=metadata.name%3D%3Dcm-1&resourceVersion=0",
        "/api/v1/namespaces/auth-a/configmaps?fieldSelector=metadata.name%3Dcm-2",
        "/api/v1/namespaces/auth-a/configmaps",
        "/api/v1/namespaces/auth-a/configmaps/cm-1",
        "/api/v1/namespaces/auth-a/configmaps?fieldSelector=metadata.name%3Dcm-1&limit=abc")) {
      HttpResponse<byte[]> direct = send(named, false, path, "application/json");
      HttpResponse<byte[]> through = send(named, true, path, "application/json");
      Differential.assertSame("named-user " + path, "application/json", direct, through);
      if (path.contains("cm-1") && !path.contains("limit=abc")) {
        assertThat(direct.statusCode()).as(path).isEqualTo(200);
      } else {
        assertThat(direct.statusCode()).as(path).isIn(400, 403);
      }
    }
    // And a watch pinned to cm-1: allowed on both (200, a stream), cm-2 denied on both.
    for (String name : List.of("cm-1", "cm-2")) {
      String path = "/api/v1/namespaces/auth-a/configmaps?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3D" + name;
      assertThat(send(named, true, path, "application/json").statusCode()).as(path)
          .isEqualTo(send(named, false, path, "application/json").statusCode()).isEqualTo(name.equals("cm-1") ? 200 : 403);
    }
  }

  @Test
  void aContinueTokenMintedForAdminReplayedByTheNamespaceUser() throws Exception {
    for (boolean through : List.of(false, true)) {
      var page = send(adminId, through, "/api/v1/configmaps?limit=1", "application/json");
      String cont = URLEncoder.encode(JSON.readTree(page.body()).path("metadata").path("continue").asText(), StandardCharsets.UTF_8);
      assertThat(cont).isNotEmpty();
      var replay = send(nsUser, through, "/api/v1/configmaps?limit=1&continue=" + cont, "application/json");
      assertThat(replay.statusCode()).isEqualTo(403);
      assertThat(new String(replay.body())).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
          + "\"message\":\"configmaps is forbidden: User \\\"ns-user\\\" cannot list resource \\\"configmaps\\\" in API group \\\"\\\" "
          + "at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"configmaps\"},\"code\":403}\n");
    }
  }

  /** Writes carry the real user: the upstream's own authorizer names it (not Breakwater's admin). */
  @Test
  void writesAppearAsTheRealUser() throws Exception {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w\"}}";
    for (Identity id : IDENTITIES) {
      if (id.name().equals("admin")) {
        continue;
      }
      HttpResponse<byte[]>[] r = new HttpResponse[2];
      for (int i = 0; i < 2; i++) {
        URI base = i == 0 ? cluster.server() : URI.create(bw.url());
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/v1/namespaces/auth-a/configmaps"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (id.token() != null) {
          b.header("Authorization", "Bearer " + id.token());
        }
        try (HttpClient c = id.client()) {
          r[i] = c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
      }
      assertThat(r[1].statusCode()).as(id.name()).isEqualTo(r[0].statusCode());
      assertThat(new String(r[1].body())).as(id.name()).isEqualTo(new String(r[0].body()));
      if (id.name().equals("cert-user")) {
        assertThat(new String(r[1].body())).contains("User \\\"cert-user\\\" cannot create");
      }
    }
  }

  @Test
  void impersonationWorksAsOnTheApiserver() throws Exception {
    for (String path : List.of("/api/v1/configmaps", "/api/v1/namespaces/auth-a/configmaps")) {
      for (Identity id : List.of(adminId, nsUser)) {
        var direct = send(id, false, path, "application/json", "Impersonate-User", "ns-user");
        var through = send(id, true, path, "application/json", "Impersonate-User", "ns-user");
        Differential.assertSame(id.name() + " as ns-user " + path, "application/json", direct, through);
        assertThat(leaks(nsUser, through, "application/json")).isZero();
      }
    }
  }

  @Test
  void noCredentialsAndForgedFrontProxyHeaders() throws Exception {
    Identity anon = new Identity("anonymous", null, IDENTITIES.getFirst().ssl(), Set.of(), Set.of());
    var through = send(anon, true, "/api/v1/configmaps", "application/json", "X-Remote-User", "admin", "X-Remote-Group", "system:masters");
    assertThat(through.statusCode()).isEqualTo(401);
    assertThat(new String(through.body())).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n");
    var forged = send(nsUser, true, "/api/v1/configmaps", "application/json", "X-Remote-User", "admin", "X-Remote-Group", "system:masters");
    assertThat(forged.statusCode()).isEqualTo(403);
  }
}
