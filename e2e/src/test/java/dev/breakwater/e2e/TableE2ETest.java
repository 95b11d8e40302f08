package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code meta.k8s.io} Tables served from the cache, differential against the real apiserver:
 * the same request direct and through Breakwater, for every resource with a convertor (the
 * built-in printers ported so far and CRDs with and without printer columns), LIST (exact RV,
 * pages, pretty, v1beta1), GET, WATCH (from an RV with a selector exit; WatchLists with the
 * initial-events-end bookmark), each includeObject. Bodies must be equal byte for byte once
 * time-relative cells (AGE, durations: each server's own "now") are masked; those cells are
 * then compared parsed, each pair within the time that passed between the start of the first of
 * the two requests and the comparison ({@link #window}), plus the cells' own precision — so a
 * loaded machine that runs the two requests seconds apart cannot fail the test, and an AGE that is
 * wrong by more than that still does. Then kubectl's own text
 * ({@code get}, {@code -o wide}, {@code -A}, {@code -w}) through Breakwater vs direct.
 * Tables the cache does not answer (no printer, YAML, protobuf, a bad includeObject) reach the
 * apiserver and get its own answer.
 */
@ExtendWith(ClusterExtension.class)
class TableE2ETest {

  static final String NS = "table-e2e";
  static final String KUBECTL = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
      + "application/json";
  static final String V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";
  static final String CR = "/apis/table.e2e.breakwater.dev/v1";
  /**
   * When the first request of the pair being compared started ({@link System#nanoTime}), 0 when
   * none has since the last comparison: every request helper arms it, {@link #assertSameText}
   * takes it. An earlier arm only widens the bound, and a comparison with nothing armed allows
   * no time at all.
   */
  static final java.util.concurrent.atomic.AtomicLong window = new java.util.concurrent.atomic.AtomicLong();
  /** Namespaced collections with a convertor, and cluster-scoped ones. */
  static final List<String> COLLECTIONS = List.of("/api/v1/namespaces/" + NS + "/configmaps", "/api/v1/namespaces/" + NS + "/secrets",
      "/api/v1/namespaces/" + NS + "/services", "/api/v1/namespaces/" + NS + "/events",
      "/apis/apps/v1/namespaces/" + NS + "/deployments", "/apis/apps/v1/namespaces/" + NS + "/replicasets",
      "/apis/apps/v1/namespaces/" + NS + "/statefulsets", "/apis/apps/v1/namespaces/" + NS + "/daemonsets",
      "/apis/batch/v1/namespaces/" + NS + "/jobs", "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases",
      CR + "/namespaces/" + NS + "/widgets", CR + "/gadgets", "/api/v1/namespaces", "/api/v1/namespaces/" + NS + "/pods",
      "/api/v1/nodes");
  /** kubectl's names for them. */
  static final List<String> KUBECTL_RESOURCES = List.of("configmaps", "secrets", "services", "events", "deployments", "replicasets",
      "statefulsets", "daemonsets", "jobs", "leases", "widgets", "gadgets", "namespaces", "pods", "nodes");
  static final ObjectMapper JSON = new ObjectMapper();
  /** A HumanDuration as a whole JSON string ("45s", "8m56s", "6y327d") or in a RESTARTS cell ("4 (7m5s ago)"). */
  static final Pattern DURATION = Pattern.compile("(?<=[\"(])(\\d+[smhdy](?:\\d+[smhd])?)(?=\"| ago\\))");

  /** A thread per blocking request sent side by side with others. */
  static final java.util.concurrent.ExecutorService PAIRS = java.util.concurrent.Executors.newThreadPerTaskExecutor(
      Thread.ofPlatform().daemon().factory());

  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;
  static KubernetesClient k;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient client) throws Exception {
    cluster = c;
    k = client;
    Kubectl kubectl = new Kubectl(c.kubeconfig());
    kubectl.run(null, Duration.ofSeconds(60), "create", "namespace", NS);
    kubectl.run(resource("crds.yaml"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    kubectl.run(null, Duration.ofSeconds(60), "wait", "--for=condition=Established", "crd/widgets.table.e2e.breakwater.dev",
        "crd/gadgets.table.e2e.breakwater.dev", "crd/doohickeys.table.e2e.breakwater.dev", "crd/whatsits.table.e2e.breakwater.dev",
        "crd/thingamajigs.table.e2e.breakwater.dev").assertOk();
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run(resource("crs.yaml"), Duration.ofSeconds(60), "apply", "-f", "-")
        .exitCode() == 0);
    kubectl.run(resource("builtins.yaml"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    // Pods and nodes in the states printPod/printNode distinguish, workloads with counts and durations: no
    // controllers or kubelet here, so statuses are written directly.
    kubectl.run(resource("pods.yaml"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    for (String line : resource("status-patches.txt").split("\n")) {
      String[] p = line.split(" ", 3);
      List<String> args = new ArrayList<>(List.of("patch", p[0], p[1], "--subresource=status", "--type=merge", "-p", p[2]));
      if (!p[0].equals("node")) {
        args.addAll(List.of("-n", NS));
      }
      kubectl.run(null, Duration.ofSeconds(60), args.toArray(String[]::new)).assertOk();
    }
    // Terminating: a pending deletion held by a finalizer.
    kubectl.run(null, Duration.ofSeconds(60), "delete", "pod", "p-run", "-n", NS, "--wait=false").assertOk();
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String collection : COLLECTIONS) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through(collection + "?resourceVersion=0", "application/json").statusCode() == 200);
    }
    // Custom resources' Tables need the CRD cache: the first CR Table request starts it and waits for it.
    long before = bw.server().readStats().orElseThrow().listsFromCache.get();
    long start = System.nanoTime();
    firstCustomResourceTable = through(CR + "/gadgets?resourceVersion=0", KUBECTL);
    firstCustomResourceTableFromCache = bw.server().readStats().orElseThrow().listsFromCache.get() > before;
    firstCustomResourceTableUpstream = upstream(CR + "/gadgets?resourceVersion=0", KUBECTL);
    firstCustomResourceTablesApart = System.nanoTime() - start;
  }

  static HttpResponse<byte[]> firstCustomResourceTable;
  static HttpResponse<byte[]> firstCustomResourceTableUpstream;
  static boolean firstCustomResourceTableFromCache;
  static long firstCustomResourceTablesApart;

  @BeforeEach
  void noStaleWindow() {
    window.set(0);
  }

  @Test
  void theFirstCustomResourceTableWaitsForTheCrdCache() {
    assertThat(firstCustomResourceTableFromCache).as("served from the cache").isTrue();
    assertThat(firstCustomResourceTable.statusCode()).isEqualTo(200);
    // RV=0: each answers with its own cache's list RV; the rest is the same Table.
    var listRv = Pattern.compile("^\\{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":\\{\"resourceVersion\":\"\\d+\"\\}");
    assertSameText("first CR Table",
        listRv.matcher(new String(firstCustomResourceTableUpstream.body(), StandardCharsets.UTF_8)).replaceFirst("RV"),
        listRv.matcher(new String(firstCustomResourceTable.body(), StandardCharsets.UTF_8)).replaceFirst("RV"),
        firstCustomResourceTablesApart);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    new Kubectl(cluster.kubeconfig()).run("patch", "pod", "p-run", "-n", NS, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = TableE2ETest.class.getResourceAsStream("/table/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static HttpResponse<byte[]> through(String pathAndQuery, String accept) throws Exception {
    arm();
    return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + pathAndQuery)).header("Accept", accept)
        .header("User-Agent", "breakwater-e2e").build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> upstream(String pathAndQuery, String accept) throws Exception {
    arm();
    return direct.send(HttpRequest.newBuilder(cluster.server().resolve(pathAndQuery)).header("Accept", accept)
        .header("User-Agent", "breakwater-e2e").build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static long currentRv(String collection) throws Exception {
    return Long.parseLong(JSON.readTree(upstream(collection + "?limit=1", "application/json").body()).path("metadata")
        .path("resourceVersion").asText());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** HumanDuration → seconds (lower bound of what it stands for). */
  static long seconds(String d) {
    long total = 0;
    Matcher m = Pattern.compile("(\\d+)([smhdy])").matcher(d);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "s" -> n;
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86400;
        default -> n * 365 * 86400;
      };
    }
    return total;
  }

  /**
   * Same status and Content-Type; bodies equal once duration strings are masked, and the
   * durations pairwise equal or (for second-precision ones) within the tolerance.
   */
  static void assertSameTable(String what, HttpResponse<byte[]> up, HttpResponse<byte[]> bw) {
    assertThat(bw.statusCode()).as(what).isEqualTo(up.statusCode());
    assertThat(bw.headers().firstValue("Content-Type")).as(what).isEqualTo(up.headers().firstValue("Content-Type"));
    assertSameText(what, new String(up.body(), StandardCharsets.UTF_8), new String(bw.body(), StandardCharsets.UTF_8));
  }

  static void assertSameText(String what, String up, String through) {
    long armed = window.getAndSet(0);
    assertSameText(what, up, through, armed == 0 ? 0 : System.nanoTime() - armed);
  }

  /**
   * {@code elapsedNanos}: an upper bound on how far apart the two servers' "now"s can be. Each
   * pair of cells may differ by that (rounded up to whole seconds) plus the coarser cell's
   * precision: "5m" stands for anything in [5m, 6m).
   */
  static void assertSameText(String what, String up, String through, long elapsedNanos) {
    List<String> ud = durations(up);
    List<String> td = durations(through);
    String um = DURATION.matcher(up).replaceAll("T");
    String tm = DURATION.matcher(through).replaceAll("T");
    if (!um.equals(tm)) {
      throw new AssertionError(what + "\nupstream:\n" + up + "\nbreakwater:\n" + through);
    }
    assertThat(td).as(what).hasSameSizeAs(ud);
    long elapsedS = (elapsedNanos + 999_999_999L) / 1_000_000_000L;
    for (int i = 0; i < ud.size(); i++) {
      String a = ud.get(i);
      String b = td.get(i);
      if (!a.equals(b)) {
        assertThat(Math.abs(seconds(a) - seconds(b))).as(what + ": time cell " + a + " vs " + b + " (" + elapsedS + " s apart)")
            .isLessThan(elapsedS + Math.max(precision(a), precision(b)));
      }
    }
  }

  /** The unit of a HumanDuration's last component, in seconds: what it truncates below. */
  static long precision(String d) {
    return seconds("1" + d.charAt(d.length() - 1));
  }

  /** Arms {@link #window} unless a request of the pair being compared already did. */
  static void arm() {
    window.compareAndSet(0, System.nanoTime());
  }

  static HttpResponse<byte[]> send(HttpClient http, URI uri, String accept) {
    arm();
    return dev.breakwater.e2e.support.Differential.send(http, uri, accept);
  }

  static List<String> durations(String body) {
    List<String> out = new ArrayList<>();
    Matcher m = DURATION.matcher(body);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void listsMatchTheApiserverCellByCell() throws Exception {
    for (String collection : COLLECTIONS) {
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
      String page = exact + "&limit=2";
      while (page != null) {
        HttpResponse<byte[]> u = upstream(page, KUBECTL);
        assertSameTable(page, u, through(page, KUBECTL));
        requests++;
        String token = JSON.readTree(u.body()).path("metadata").path("continue").asText("");
        page = token.isEmpty() ? null : collection + "?limit=2&continue=" + q(token);
      }
      // Events are on the apiserver's etcd path: Exact pages ahead of the cache and consistent LISTs of a quiet events
      // resource go upstream (README, "Consistent reads of events").
      assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("lists of " + collection + " from the cache")
          .isEqualTo(collection.endsWith("/events") ? 0 : requests);
    }
  }

  @Test
  void consistentListsAsKubectlSendsThemMatch() throws Exception {
    for (String collection : COLLECTIONS) {
      String query = collection + "?limit=500";
      // Each answer carries the current RV, which any write in the cluster moves (the apiserver
      // renews its own leases): a pair that straddles one is asked again.
      for (int attempt = 1; ; attempt++) {
        try {
          assertSameTable(query, upstream(query, KUBECTL), through(query, KUBECTL));
          break;
        } catch (AssertionError e) {
          if (attempt == 3) {
            throw e;
          }
        }
      }
    }
  }

  @Test
  void getsAreOneRowTables() throws Exception {
    List<String> objects = List.of("/api/v1/namespaces/" + NS + "/configmaps/cm1", "/api/v1/namespaces/" + NS + "/secrets/s2",
        "/api/v1/namespaces/" + NS + "/services/svc4", "/api/v1/namespaces/" + NS + "/events/e1",
        "/apis/apps/v1/namespaces/" + NS + "/deployments/d2", "/apis/apps/v1/namespaces/" + NS + "/daemonsets/ds1",
        "/apis/batch/v1/namespaces/" + NS + "/jobs/j3", "/api/v1/namespaces/" + NS + "/pods/p-run", "/api/v1/nodes/table-e2e-n1", "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases/l1",
        CR + "/namespaces/" + NS + "/widgets/w1", CR + "/gadgets/g1", "/api/v1/namespaces/" + NS);
    for (String object : objects) {
      long gets = bw.server().readStats().orElseThrow().getsFromCache.get();
      for (String query : List.of(object + "?resourceVersion=0", object + "?resourceVersion=0&includeObject=Object",
          object + "?resourceVersion=0&includeObject=None&pretty=1", object)) {
        assertSameTable(query, upstream(query, KUBECTL), through(query, KUBECTL));
      }
      // Consistent GETs of events go upstream (see README); the others may too if freshness is not confirmed in
      // time. A GET of a namespace is not routed to the cache at all (RequestInfo reads the name as a namespace).
      assertThat(bw.server().readStats().orElseThrow().getsFromCache.get() - gets).as("GETs of " + object + " from the cache")
          .isGreaterThanOrEqualTo(object.equals("/api/v1/namespaces/" + NS) ? 0 : 3);
    }
    // Not found: the apiserver's Status, from the edge.
    for (String missing : List.of("/api/v1/namespaces/" + NS + "/configmaps/nope?resourceVersion=0",
        CR + "/namespaces/" + NS + "/widgets/nope?resourceVersion=0")) {
      assertSameTable(missing, upstream(missing, KUBECTL), through(missing, KUBECTL));
    }
  }

  @Test
  void watchesAreOneRowTablesWithColumnsOnlyInTheFirstEvent() throws Exception {
    String cms = "/api/v1/namespaces/" + NS + "/configmaps";
    long from = currentRv(cms);
    // Create, enter the selector, leave it (DELETED with the previous state), delete.
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("watched").endMetadata().build()).create();
    k.configMaps().inNamespace(NS).withName("watched").edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("sel", "yes")
        .endMetadata().addToData("k", "v").build());
    k.configMaps().inNamespace(NS).withName("watched").edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("sel", "no")
        .endMetadata().build());
    k.configMaps().inNamespace(NS).withName("watched").delete();
    long to = currentRv(cms);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(cms + "?resourceVersion=" + to + "&resourceVersionMatch=NotOlderThan",
        "application/json").statusCode() == 200);
    long watches = bw.server().readStats().orElseThrow().watchesFromCache.get();
    int opened = 0;
    for (String options : List.of("", "&includeObject=Object", "&includeObject=None", "&labelSelector=" + q("sel=yes"))) {
      String query = cms + "?watch=true&resourceVersion=" + from + "&timeoutSeconds=2" + options;
      var u = CompletableFuture.supplyAsync(() -> send(direct, cluster.server().resolve(query), KUBECTL));
      var t = CompletableFuture.supplyAsync(() -> send(plain, URI.create(bw.url() + query), KUBECTL));
      HttpResponse<byte[]> ur = u.get(20, TimeUnit.SECONDS);
      assertSameTable(query, ur, t.get(20, TimeUnit.SECONDS));
      opened++;
      String[] lines = new String(ur.body(), StandardCharsets.UTF_8).split("\n");
      assertThat(lines).as(query).hasSizeGreaterThanOrEqualTo(2);
      assertThat(lines[0]).contains("\"columnDefinitions\":[{");
      assertThat(lines[1]).contains("\"columnDefinitions\":null");
    }
    // WatchLists with bookmarks: the initial-events-end bookmark is a row too; its RV is each server's own. With
    // includeObject=Object its object is the kind's Go zero value as the conversion round trip leaves it.
    // All pairs at once (each lasts its timeoutSeconds): the time cells of each are compared within the
    // time since the first was sent.
    long sent = System.nanoTime();
    Map<String, List<CompletableFuture<HttpResponse<byte[]>>>> pairs = new LinkedHashMap<>();
    for (String path : COLLECTIONS) {
      if (path.endsWith("/events")) {
        continue; // consistent watches of a quiet events resource go upstream (README, "Consistent reads of events")
      }
      for (String include : path.equals(cms) || path.endsWith("/widgets") || path.endsWith("/daemonsets")
          ? List.of("None", "Metadata", "Object") : List.of("Object")) {
        // Long enough for the whole initial state on a loaded machine: the freshness wait of the
        // cache's consistent start counts against it.
        String query = path + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&includeObject=" + include;
        pairs.put(query, List.of(CompletableFuture.supplyAsync(() -> send(direct, cluster.server().resolve(query), KUBECTL), PAIRS),
            CompletableFuture.supplyAsync(() -> send(plain, URI.create(bw.url() + query), KUBECTL), PAIRS)));
      }
    }
    for (var pair : pairs.entrySet()) {
      String ub = bookmarksMasked(pair.getValue().get(0).get(60, TimeUnit.SECONDS).body());
      String tb = bookmarksMasked(pair.getValue().get(1).get(60, TimeUnit.SECONDS).body());
      assertSameText(pair.getKey(), ub, tb, System.nanoTime() - sent);
      assertThat(tb).contains("k8s.io/initial-events-end");
      opened++;
    }
    window.set(0);
    // A periodic bookmark (no annotation): the RV moves under a selector that hides the change.
    String ds = "/apis/apps/v1/namespaces/" + NS + "/daemonsets";
    long rv = currentRv(ds);
    String query = ds + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=5&includeObject=Object&resourceVersion=" + rv
        + "&labelSelector=" + q("nothing=here");
    var u = CompletableFuture.supplyAsync(() -> send(direct, cluster.server().resolve(query), KUBECTL));
    var t = CompletableFuture.supplyAsync(() -> send(plain, URI.create(bw.url() + query), KUBECTL));
    Thread.sleep(1_000);
    new Kubectl(cluster.kubeconfig()).run("annotate", "ds", "ds1", "-n", NS, "bump=" + rv, "--overwrite").assertOk();
    String ub = new String(u.get(20, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8);
    String tb = new String(t.get(20, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8);
    opened++;
    assertThat(tb).as(query).contains("\"type\":\"BOOKMARK\"").contains("\"deprecated.daemonset.template.generation\":\"0\"");
    if (!ub.isEmpty()) { // how many periodic bookmarks come (RVs may repeat) is each server's own business: compare the first
      assertSameText(query, ub.split("\n")[0], tb.split("\n")[0]);
    }
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get() - watches).isEqualTo(opened);
  }

  @Test
  void webSocketWatchesCarryTheSameTables() throws Exception {
    String cms = "/api/v1/namespaces/" + NS + "/configmaps";
    long rv = currentRv(cms);
    String q = cms + "?watch=1&timeoutSeconds=3&resourceVersion=" + rv;
    long served = bw.server().readStats().orElseThrow().watchesFromCache.get();
    arm();
    var up = dev.breakwater.e2e.support.WebSockets.texts(direct, URI.create(cluster.server().toString().replace("https:", "wss:") + q), KUBECTL);
    var through = dev.breakwater.e2e.support.WebSockets.texts(plain, URI.create(bw.url().replace("http:", "ws:") + q), KUBECTL);
    Thread.sleep(300);
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("ws-table").endMetadata().build()).create();
    k.configMaps().inNamespace(NS).withName("ws-table").delete();
    List<String> u = up.get(20, TimeUnit.SECONDS);
    List<String> t = through.get(20, TimeUnit.SECONDS);
    assertThat(u).as("upstream messages").hasSizeGreaterThanOrEqualTo(2);
    assertSameText(q, String.join("", u), String.join("", t));
    assertThat(t).hasSameSizeAs(u);
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get()).as("served from the cache").isEqualTo(served + 1);
  }

  /** Watch lines without periodic bookmarks, the initial-events-end bookmark's RVs masked. */
  static String bookmarksMasked(byte[] body) {
    StringBuilder sb = new StringBuilder();
    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("{\"type\":\"BOOKMARK\"")) {
        if (!line.contains("initial-events-end")) {
          continue;
        }
        line = line.replaceAll("\"resourceVersion\":\"\\d+\"", "\"resourceVersion\":\"RV\"");
      }
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  @Test
  void printerColumnChangesOfACrdArePickedUp() throws Exception {
    String gadgets = CR + "/gadgets?resourceVersion=0";
    Kubectl kubectl = new Kubectl(cluster.kubeconfig());
    kubectl.run(null, Duration.ofSeconds(60), "patch", "crd", "gadgets.table.e2e.breakwater.dev", "--type=json", "-p",
        "[{\"op\":\"add\",\"path\":\"/spec/versions/0/additionalPrinterColumns\",\"value\":"
            + "[{\"name\":\"Kind\",\"type\":\"string\",\"jsonPath\":\".kind\"}]}]").assertOk();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> new String(upstream(gadgets, KUBECTL).body(), StandardCharsets.UTF_8)
          .contains("\"name\":\"Kind\""));
      // Breakwater's CRD cache follows its WATCH; then its Tables use the new columns.
      await().atMost(Duration.ofSeconds(20)).until(() -> new String(through(gadgets, KUBECTL).body(), StandardCharsets.UTF_8)
          .contains("\"name\":\"Kind\""));
      String exact = CR + "/gadgets?resourceVersion=" + currentRv(CR + "/gadgets") + "&resourceVersionMatch=Exact";
      await().atMost(Duration.ofSeconds(10)).until(() -> through(exact, "application/json").statusCode() == 200);
      assertSameTable(exact, upstream(exact, KUBECTL), through(exact, KUBECTL));
    } finally {
      kubectl.run(null, Duration.ofSeconds(60), "patch", "crd", "gadgets.table.e2e.breakwater.dev", "--type=json", "-p",
          "[{\"op\":\"remove\",\"path\":\"/spec/versions/0/additionalPrinterColumns\"}]");
      // Back to Name + Age before other tests compare gadgets.
      await().atMost(Duration.ofSeconds(20)).until(() -> !new String(through(gadgets, KUBECTL).body(), StandardCharsets.UTF_8)
          .contains("\"name\":\"Kind\""));
    }
  }

  /**
   * Printer columns with the rest of client-go's jsonpath (recursive descent, unions, filters,
   * literals, several actions, Go's quirks: {@code ['a.b']} is {@code .a.b}, an erring operand
   * passes an exists filter) served from the cache; a column whose cell Go's map order decides
   * gets one of the apiserver's answers; a column Go cannot parse drops itself and those after it;
   * range goes upstream.
   */
  @Test
  void jsonPathFormsOfPrinterColumnsMatchTheApiserver() throws Exception {
    String doohickeys = CR + "/namespaces/" + NS + "/doohickeys";
    long rv = currentRv(doohickeys);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(doohickeys + "?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan", "application/json").statusCode() == 200);
    String exact = doohickeys + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
    long served = bw.server().readStats().orElseThrow().listsFromCache.get();
    for (String query : List.of(exact, exact + "&includeObject=None")) {
      assertSameTable(query, upstream(query, KUBECTL), through(query, KUBECTL));
    }
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("doohickey Tables from the cache")
        .isEqualTo(2);
    String d1 = doohickeys + "/d1?resourceVersion=0";
    assertSameTable(d1, upstream(d1, KUBECTL), through(d1, KUBECTL));
    JsonNode d1Cells = JSON.readTree(through(d1, KUBECTL).body()).at("/rows/0/cells");
    assertThat(d1Cells.toString()).as("the cells themselves, beyond matching")
        .isEqualTo("[\"d1\",2,\"top\",3,\"3\",\"b\",\"True\",\"3\",null,\"7\",\"v\",\"104\",null,null,null,\"x\",true,\"x\",3,\"a\"]");

    // Whatsits: Any is .spec.pair.* over {a, b}, Go's order picks either; Bad (.spec[bad]) and After are dropped.
    String whatsits = CR + "/whatsits?resourceVersion=0&includeObject=None";
    served = bw.server().readStats().orElseThrow().listsFromCache.get();
    String mine = new String(through(whatsits, KUBECTL).body(), StandardCharsets.UTF_8);
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get()).isEqualTo(served + 1);
    assertThat(JSON.readTree(mine).path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Any");
    assertThat(JSON.readTree(mine).at("/rows/0/cells").toString()).isEqualTo("[\"wh1\",\"1\"]");
    List<String> theirs = new ArrayList<>();
    for (int i = 0; i < 40 && !theirs.contains(mine); i++) {
      theirs.add(new String(upstream(whatsits, KUBECTL).body(), StandardCharsets.UTF_8));
    }
    assertThat(theirs).as("the apiserver gives Breakwater's answer among its own").contains(mine);

    // Thingamajigs (range): upstream. The apiserver's first conversion differs from its later ones; two first.
    String things = CR + "/thingamajigs?resourceVersion=0&includeObject=None";
    upstream(things, KUBECTL);
    upstream(things, KUBECTL);
    long passed = bw.server().readStats().orElseThrow().passedUpstream.get();
    assertSameTable(things, upstream(things, KUBECTL), through(things, KUBECTL));
    assertThat(bw.server().readStats().orElseThrow().passedUpstream.get()).as("range Tables upstream").isEqualTo(passed + 1);
  }

  @Test
  void tablesWithoutAConvertorOrInOtherFormatsGoUpstream() throws Exception {
    String cms = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0";
    for (String[] c : new String[][] {
        {"/api/v1/namespaces/" + NS + "/replicationcontrollers?resourceVersion=0", KUBECTL}, // no printer ported
        {"/apis/storage.k8s.io/v1/csidrivers?resourceVersion=0", KUBECTL},
        {cms, "application/yaml;as=Table;v=v1;g=meta.k8s.io"},
        {cms + "&includeObject=Everything", KUBECTL}, // 400
        {"/api/v1/namespaces/" + NS + "/configmaps/cm1?resourceVersion=0", "application/json;as=Table;v=v1;g=meta.k8s.io;stream=watch"}}) {
      long passed = bw.server().readStats().orElseThrow().passedUpstream.get();
      HttpResponse<byte[]> u = upstream(c[0], c[1]);
      assertSameTable(c[1] + " " + c[0], u, through(c[0], c[1]));
      assertThat(bw.server().readStats().orElseThrow().passedUpstream.get()).as(c[1] + " " + c[0]).isEqualTo(passed + 1);
    }
    // A protobuf Table is a 406 of negotiation, answered at the edge (ErrorNegotiationE2ETest has more).
    long edge = bw.server().readStats().orElseThrow().errorsAtEdge.get();
    String pbTable = "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io";
    assertSameTable(pbTable, upstream(cms, pbTable), through(cms, pbTable));
    assertThat(bw.server().readStats().orElseThrow().errorsAtEdge.get()).isEqualTo(edge + 1);
  }

  @Test
  void kubectlGetPrintsTheSameText() throws Exception {
    Kubectl up = new Kubectl(cluster.kubeconfig());
    Kubectl through = new Kubectl(bw.kubeconfig());
    long served = bw.server().readStats().orElseThrow().listsFromCache.get();
    int expected = 0;
    for (String r : KUBECTL_RESOURCES) {
      List<List<String>> variants = new ArrayList<>(List.of(List.of("get", r), List.of("get", r, "-o", "wide")));
      if (!r.equals("gadgets") && !r.equals("namespaces") && !r.equals("nodes")) {
        variants.add(List.of("get", r, "-A"));
        variants.add(List.of("get", r, "-A", "-o", "wide"));
      }
      for (List<String> args : variants) {
        List<String> full = new ArrayList<>(args);
        if (!r.equals("gadgets") && !r.equals("namespaces") && !r.equals("nodes")) {
          full.addAll(List.of("-n", NS));
        }
        String[] argv = full.toArray(String[]::new);
        arm();
        Kubectl.Result u = up.run(argv).assertOk();
        Kubectl.Result t = through.run(argv).assertOk();
        assertSameText(String.join(" ", full), columnsNormalized(u.stdout()), columnsNormalized(t.stdout()));
        expected += r.equals("events") ? 0 : 1; // consistent LISTs of a quiet events resource go upstream (README)
      }
    }
    // A consistent LIST waits for the cache to confirm freshness and falls back upstream after 3 s: nearly all are served.
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("kubectl get from the cache")
        .isGreaterThanOrEqualTo(expected - 2);
  }

  @Test
  void kubectlGetWatchPrintsTheSameText() throws Exception {
    Kubectl up = new Kubectl(cluster.kubeconfig());
    Kubectl through = new Kubectl(bw.kubeconfig());
    long watches = bw.server().readStats().orElseThrow().watchesFromCache.get();
    arm();
    Process u = up.start("get", "configmaps", "-n", NS, "-w", "--output-watch-events", "--request-timeout=8s");
    Process t = through.start("get", "configmaps", "-n", NS, "-w", "--output-watch-events", "--request-timeout=8s");
    Thread.sleep(2_000);
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("kubectl-w").endMetadata()
        .addToData("a", "b").build()).create();
    k.configMaps().inNamespace(NS).withName("kubectl-w").edit(cm -> new ConfigMapBuilder(cm).addToData("c", "d").build());
    k.configMaps().inNamespace(NS).withName("kubectl-w").delete();
    assertThat(u.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(t.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String us = new String(u.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String ts = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(us).contains("kubectl-w");
    assertSameText("kubectl get -w", columnsNormalized(us), columnsNormalized(ts));
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get() - watches).as("kubectl's watch from the cache").isEqualTo(1);
  }

  /**
   * kubectl's text with column padding collapsed (a column's width follows its widest cell,
   * which an AGE one second apart can change) and durations quoted for {@link #assertSameText}.
   */
  static String columnsNormalized(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n")) {
      List<String> cells = new ArrayList<>();
      for (String cell : line.trim().split(" {2,}")) {
        cells.add(cell.matches("\\d+[smhdy](\\d+[smhd])?") ? "\"" + cell + "\"" : cell);
      }
      sb.append(String.join(" | ", cells)).append('\n');
    }
    return sb.toString();
  }
}
