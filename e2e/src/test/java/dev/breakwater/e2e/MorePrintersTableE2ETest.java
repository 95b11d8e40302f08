package dev.breakwater.e2e;

import static dev.breakwater.e2e.TableE2ETest.KUBECTL;
import static dev.breakwater.e2e.TableE2ETest.V1BETA1;
import static dev.breakwater.e2e.TableE2ETest.assertSameTable;
import static dev.breakwater.e2e.TableE2ETest.assertSameText;
import static dev.breakwater.e2e.TableE2ETest.bookmarksMasked;
import static dev.breakwater.e2e.TableE2ETest.columnsNormalized;
import static dev.breakwater.e2e.TableE2ETest.currentRv;
import static dev.breakwater.e2e.TableE2ETest.q;
import static dev.breakwater.e2e.TableE2ETest.send;
import static dev.breakwater.e2e.TableE2ETest.through;
import static dev.breakwater.e2e.TableE2ETest.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The printers ported after {@link TableE2ETest}'s thirteen (endpointslices, endpoints, ingresses,
 * persistentvolumeclaims, persistentvolumes, storageclasses, serviceaccounts, roles, rolebindings,
 * clusterroles, clusterrolebindings, cronjobs, horizontalpodautoscalers v2, networkpolicies,
 * poddisruptionbudgets, priorityclasses, customresourcedefinitions, apiservices), differential
 * against the real apiserver with {@link TableE2ETest}'s helpers: real objects of each kind written
 * to exercise the printers' columns (statuses patched in: no controllers run here), then LISTs
 * (exact RV, each includeObject, v1beta1, pages), GETs, WatchLists with the bookmark row, and
 * {@code kubectl get [-A] [-o wide]} text — bodies equal byte for byte but for time-relative cells —
 * each counted as served from the cache.
 */
@ExtendWith(ClusterExtension.class)
class MorePrintersTableE2ETest {

  static final String NS = "printers-e2e";
  /** Each collection, and the page size its paged LIST uses (cluster-scoped ones hold the bootstrap objects). */
  static final Map<String, Integer> COLLECTIONS = new LinkedHashMap<>();

  static {
    COLLECTIONS.put("/apis/discovery.k8s.io/v1/namespaces/" + NS + "/endpointslices", 1);
    COLLECTIONS.put("/api/v1/namespaces/" + NS + "/endpoints", 2);
    COLLECTIONS.put("/apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses", 1);
    COLLECTIONS.put("/api/v1/namespaces/" + NS + "/persistentvolumeclaims", 2);
    COLLECTIONS.put("/api/v1/persistentvolumes", 2);
    COLLECTIONS.put("/apis/storage.k8s.io/v1/storageclasses", 1);
    COLLECTIONS.put("/api/v1/namespaces/" + NS + "/serviceaccounts", 1);
    COLLECTIONS.put("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/roles", 1);
    COLLECTIONS.put("/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/rolebindings", 1);
    COLLECTIONS.put("/apis/rbac.authorization.k8s.io/v1/clusterroles", 40);
    COLLECTIONS.put("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", 30);
    COLLECTIONS.put("/apis/batch/v1/namespaces/" + NS + "/cronjobs", 1);
    COLLECTIONS.put("/apis/autoscaling/v2/namespaces/" + NS + "/horizontalpodautoscalers", 2);
    COLLECTIONS.put("/apis/networking.k8s.io/v1/namespaces/" + NS + "/networkpolicies", 1);
    COLLECTIONS.put("/apis/policy/v1/namespaces/" + NS + "/poddisruptionbudgets", 1);
    COLLECTIONS.put("/apis/scheduling.k8s.io/v1/priorityclasses", 2);
    COLLECTIONS.put("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", 3);
    COLLECTIONS.put("/apis/apiregistration.k8s.io/v1/apiservices", 10);
  }

  /** kubectl's names; true for namespaced ones. */
  static final Map<String, Boolean> KUBECTL_RESOURCES = new LinkedHashMap<>();

  static {
    for (String r : List.of("endpointslices", "endpoints", "ingresses", "pvc", "serviceaccounts", "roles", "rolebindings", "cronjobs", "hpa",
        "networkpolicies", "pdb")) {
      KUBECTL_RESOURCES.put(r, true);
    }
    for (String r : List.of("pv", "storageclasses", "clusterroles", "clusterrolebindings", "priorityclasses", "crd", "apiservices")) {
      KUBECTL_RESOURCES.put(r, false);
    }
  }

  static Breakwater bw;
  static LocalCluster cluster;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient client) throws Exception {
    cluster = c;
    Kubectl kubectl = new Kubectl(c.kubeconfig());
    kubectl.run(null, Duration.ofSeconds(60), "create", "namespace", NS);
    kubectl.run(resource("objects.yaml"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    for (String line : resource("status-patches.txt").split("\n")) {
      String[] p = line.split(" ", 3);
      List<String> args = new ArrayList<>(List.of("patch", p[0], p[1], "--subresource=status", "--type=merge", "-p", p[2]));
      if (!p[0].equals("pv")) {
        args.addAll(List.of("-n", NS));
      }
      kubectl.run(null, Duration.ofSeconds(60), args.toArray(String[]::new)).assertOk();
    }
    // Terminating: a pending deletion held by the pvc-protection finalizer the admission adds (no controller removes it).
    kubectl.run(null, Duration.ofSeconds(60), "delete", "pvc", "pvc3", "-n", NS, "--wait=false").assertOk();
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    TableE2ETest.cluster = c;
    TableE2ETest.k = client;
    TableE2ETest.bw = bw;
    TableE2ETest.direct = RawHttp.direct(c);
    TableE2ETest.plain = RawHttp.plain();
    for (String collection : COLLECTIONS.keySet()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through(collection + "?resourceVersion=0", "application/json").statusCode() == 200);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    // Cluster-scoped objects other classes would see (a default StorageClass changes what new claims get).
    Kubectl kubectl = new Kubectl(cluster.kubeconfig());
    for (String pv : List.of("printers-pv1", "printers-pv2")) {
      kubectl.run("patch", "pv", pv, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
    }
    kubectl.run("delete", "pv", "printers-pv1", "printers-pv2", "--wait=false");
    kubectl.run("delete", "storageclass", "printers-sc1", "printers-sc2");
    kubectl.run("delete", "clusterrolebinding", "printers-crb1");
    kubectl.run("delete", "priorityclass", "printers-pc1");
    kubectl.run("delete", "crd", "things.printers.e2e.breakwater.dev", "--wait=false");
  }

  @BeforeEach
  void noStaleWindow() {
    TableE2ETest.window.set(0);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = MorePrintersTableE2ETest.class.getResourceAsStream("/printers/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void listsMatchTheApiserverCellByCell() throws Exception {
    for (var e : COLLECTIONS.entrySet()) {
      String collection = e.getKey();
      long rv = currentRv(collection);
      await().atMost(Duration.ofSeconds(10)).until(() -> through(collection + "?resourceVersion=" + rv
          + "&resourceVersionMatch=NotOlderThan", "application/json").statusCode() == 200);
      long served = bw.server().readStats().orElseThrow().listsFromCache.get();
      int requests = 0;
      String exact = collection + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
      List<String[]> cases = List.of(
          new String[] {exact, KUBECTL}, new String[] {exact + "&includeObject=None", KUBECTL},
          new String[] {exact + "&includeObject=Metadata", KUBECTL}, new String[] {exact + "&includeObject=Object", KUBECTL},
          new String[] {exact + "&includeObject=Object", V1BETA1}, new String[] {exact + "&pretty=true", KUBECTL},
          new String[] {exact + "&labelSelector=" + q("app!=nothing"), KUBECTL + ";pretty=1"});
      for (String[] c : cases) {
        assertSameTable(c[1] + " " + c[0], upstream(c[0], c[1]), through(c[0], c[1]));
        requests++;
      }
      // Pages: continue and remainingItemCount in the Table's ListMeta; follow the apiserver's tokens.
      String page = exact + "&limit=" + e.getValue();
      while (page != null) {
        HttpResponse<byte[]> u = upstream(page, KUBECTL);
        assertSameTable(page, u, through(page, KUBECTL));
        requests++;
        String token = TableE2ETest.JSON.readTree(u.body()).path("metadata").path("continue").asText("");
        page = token.isEmpty() ? null : collection + "?limit=" + e.getValue() + "&continue=" + q(token);
      }
      assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("lists of " + collection + " from the cache")
          .isEqualTo(requests);
    }
  }

  @Test
  void getsAreOneRowTables() throws Exception {
    List<String> objects = List.of("/apis/discovery.k8s.io/v1/namespaces/" + NS + "/endpointslices/es1",
        "/api/v1/namespaces/" + NS + "/endpoints/ep1", "/apis/networking.k8s.io/v1/namespaces/" + NS + "/ingresses/ing1",
        "/api/v1/namespaces/" + NS + "/persistentvolumeclaims/pvc2", "/api/v1/persistentvolumes/printers-pv1",
        "/apis/storage.k8s.io/v1/storageclasses/printers-sc1", "/api/v1/namespaces/" + NS + "/serviceaccounts/sa1",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/roles/r1",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NS + "/rolebindings/rb1",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/printers-crb1",
        "/apis/batch/v1/namespaces/" + NS + "/cronjobs/cj1", "/apis/autoscaling/v2/namespaces/" + NS + "/horizontalpodautoscalers/hpa1",
        "/apis/networking.k8s.io/v1/namespaces/" + NS + "/networkpolicies/np1",
        "/apis/policy/v1/namespaces/" + NS + "/poddisruptionbudgets/pdb1", "/apis/scheduling.k8s.io/v1/priorityclasses/printers-pc1",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things.printers.e2e.breakwater.dev",
        "/apis/apiregistration.k8s.io/v1/apiservices/v1.apps");
    for (String object : objects) {
      long gets = bw.server().readStats().orElseThrow().getsFromCache.get();
      for (String query : List.of(object + "?resourceVersion=0", object + "?resourceVersion=0&includeObject=Object",
          object + "?resourceVersion=0&includeObject=None&pretty=1", object)) {
        assertSameTable(query, upstream(query, KUBECTL), through(query, KUBECTL));
      }
      // The consistent GET may go upstream if freshness is not confirmed in time.
      assertThat(bw.server().readStats().orElseThrow().getsFromCache.get() - gets).as("GETs of " + object + " from the cache")
          .isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void watchListsEndWithTheKindsBookmarkRow() throws Exception {
    long watches = bw.server().readStats().orElseThrow().watchesFromCache.get();
    long sent = System.nanoTime();
    Map<String, List<CompletableFuture<HttpResponse<byte[]>>>> pairs = new LinkedHashMap<>();
    for (String path : COLLECTIONS.keySet()) {
      // includeObject=Object: the bookmark row's object is the kind's Go zero value as the conversion round trip leaves it.
      for (String include : path.endsWith("/cronjobs") ? List.of("None", "Metadata", "Object") : List.of("Object")) {
        String query = path + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&includeObject=" + include;
        pairs.put(query, List.of(
            CompletableFuture.supplyAsync(() -> send(TableE2ETest.direct, cluster.server().resolve(query), KUBECTL), TableE2ETest.PAIRS),
            CompletableFuture.supplyAsync(() -> send(TableE2ETest.plain, URI.create(bw.url() + query), KUBECTL), TableE2ETest.PAIRS)));
      }
    }
    for (var pair : pairs.entrySet()) {
      String ub = bookmarksMasked(pair.getValue().get(0).get(60, TimeUnit.SECONDS).body());
      String tb = bookmarksMasked(pair.getValue().get(1).get(60, TimeUnit.SECONDS).body());
      assertSameText(pair.getKey(), ub, tb, System.nanoTime() - sent);
      assertThat(tb).contains("k8s.io/initial-events-end");
    }
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get() - watches).isEqualTo(pairs.size());
  }

  @Test
  void autoscalingV1TablesGoUpstream() throws Exception {
    // autoscaling/v1 keeps the v2 metrics in annotations the conversion reads: no printer ported for it.
    String hpa = "/apis/autoscaling/v1/namespaces/" + NS + "/horizontalpodautoscalers?resourceVersion=0";
    long passed = bw.server().readStats().orElseThrow().passedUpstream.get();
    assertSameTable(hpa, upstream(hpa, KUBECTL), through(hpa, KUBECTL));
    assertThat(bw.server().readStats().orElseThrow().passedUpstream.get()).isEqualTo(passed + 1);
  }

  @Test
  void kubectlGetPrintsTheSameText() throws Exception {
    Kubectl up = new Kubectl(cluster.kubeconfig());
    Kubectl through = new Kubectl(bw.kubeconfig());
    long served = bw.server().readStats().orElseThrow().listsFromCache.get();
    int expected = 0;
    for (var r : KUBECTL_RESOURCES.entrySet()) {
      List<List<String>> variants = new ArrayList<>(List.of(List.of("get", r.getKey()), List.of("get", r.getKey(), "-o", "wide")));
      if (r.getValue()) {
        variants.add(List.of("get", r.getKey(), "-A", "-o", "wide"));
      }
      for (List<String> args : variants) {
        List<String> full = new ArrayList<>(args);
        if (r.getValue()) {
          full.addAll(List.of("-n", NS));
        }
        String[] argv = full.toArray(String[]::new);
        TableE2ETest.arm();
        Kubectl.Result u = up.run(argv).assertOk();
        Kubectl.Result t = through.run(argv).assertOk();
        assertThat(u.stdout()).as(String.join(" ", full)).isNotBlank();
        assertSameText(String.join(" ", full), columnsNormalized(u.stdout()), columnsNormalized(t.stdout()));
        expected++;
      }
    }
    // A consistent LIST waits for the cache to confirm freshness and falls back upstream after 3 s: nearly all are served.
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("kubectl get from the cache")
        .isGreaterThanOrEqualTo(expected - 2);
  }
}
