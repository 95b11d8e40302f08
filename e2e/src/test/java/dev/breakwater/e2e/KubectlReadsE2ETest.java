package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.http.ReadStats;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture's kubectl 1.36.3 reading configmaps through Breakwater with {@code --cache}
 * (configmaps warmed) and straight from the apiserver prints the same text: {@code get -A} in
 * chunks, one namespace in several formats, selectors, and {@code get -w} with changes made
 * upstream while both watch.
 *
 * <p>kubectl's default (table) output asks for {@code as=Table}, which Breakwater serves from the cache too;
 * {@code -o json|yaml|name|jsonpath} ask for plain JSON, which the cache serves (checked with
 * Breakwater's counters, so the comparison is not between two upstream answers).
 *
 * <p>Accepted difference, only where the apiserver itself is not deterministic: the AGE column of
 * a table is the time since creation when the response was made, so two requests a moment apart
 * may print {@code 9s} and {@code 10s}. Tables are compared with that column's values masked.
 *
 * <p>A cluster of its own: {@code get -A --chunk-size=1} sends one request per object, and kubectl
 * paces them at client-go's default 5 per second, so on the shared cluster (hundreds of configmaps
 * left by other tests) one such command would take minutes. Here the cluster holds this class's
 * 11 configmaps and the apiserver's own 2.
 */
class KubectlReadsE2ETest {

  static final String NS = "kubectl-reads";
  static final String NS2 = "kubectl-reads-2";
  static final Pattern AGE_CELL = Pattern.compile("(?m)(?<=\\s)\\S+$");

  static LocalCluster cluster;
  static KubernetesClient client;
  static Breakwater bw;
  static Kubectl viaBreakwater;
  static Kubectl direct;

  @BeforeAll
  static void setUp() throws Exception {
    cluster = Clusters.startPrivate(LocalCluster.builder());
    client = ClusterExtension.direct(cluster);
    for (String ns : List.of(NS, NS2)) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    }
    for (int i = 0; i < 7; i++) {
      client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
          .addToLabels("tier", i % 2 == 0 ? "even" : "odd").endMetadata().addToData("i", String.valueOf(i)).build()).serverSideApply();
    }
    for (int i = 0; i < 4; i++) {
      client.configMaps().inNamespace(NS2).resource(new ConfigMapBuilder().withNewMetadata().withName("other-" + i)
          .addToLabels("tier", "even").endMetadata().build()).serverSideApply();
    }
    // Warm: the first reads must not meet a starting cache, which passes them upstream (see ClientGoInformersE2ETest).
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withCachePolicy(new CachePolicy(Set.of(), Set.of(), Set.of("configmaps"), CachePolicy.DEFAULT.idleTimeout()))));
    try (HttpClient http = RawHttp.plain()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/namespaces/" + NS
          + "/configmaps?resourceVersion=0")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    assertThat(stats().listsFromCache.get()).as("the cache serves").isEqualTo(1);
    viaBreakwater = new Kubectl(bw.kubeconfig());
    direct = new Kubectl(cluster.kubeconfig());
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "get configmaps -A --chunk-size={0} -o {1}")
  @CsvSource({"1,table", "2,table", "500,table", "1,json", "2,json", "5,json", "0,json", "1,name", "2,name", "3,yaml"})
  void allNamespacesInChunks(int chunk, String output) throws Exception {
    List<String> args = new ArrayList<>(List.of("get", "configmaps", "-A", "--chunk-size=" + chunk));
    if (!output.equals("table")) {
      args.addAll(List.of("-o", output));
    }
    int objects = client.configMaps().inAnyNamespace().list().getItems().size();
    assertThat(objects).as("more objects than the small chunk sizes").isGreaterThan(5);
    long listsBefore = stats().listsFromCache.get();
    double passedBefore = passedUpstream();

    String through = same(args.toArray(String[]::new));

    long listsFromCache = stats().listsFromCache.get() - listsBefore;
    // One LIST per page, every page from the cache (continue tokens included), Tables too.
    assertThat(listsFromCache).as("pages served from the cache").isEqualTo(chunk == 0 ? 1 : (objects + chunk - 1) / chunk);
    assertThat(passedUpstream() - passedBefore).as("configmaps reads passed upstream").isZero();
    assertThat(through).contains("cm-6").contains("other-3");
  }

  @ParameterizedTest(name = "get configmaps -n X {0}")
  @ValueSource(strings = {"-o json", "-o yaml", "-o name", "-o wide", "-l tier=even -o name", "--field-selector metadata.name=cm-3 -o json",
      "-l tier=odd --chunk-size=1 -o json", "cm-2 -o json", "cm-2 -o jsonpath={.metadata.resourceVersion}"})
  void oneNamespace(String options) throws Exception {
    List<String> args = new ArrayList<>(List.of("get", "configmaps", "-n", NS));
    args.addAll(List.of(options.split(" ")));
    long cachedBefore = stats().listsFromCache.get() + stats().getsFromCache.get();
    double passedBefore = passedUpstream();

    String through = same(args.toArray(String[]::new));

    assertThat(through).isNotBlank();
    long cached = stats().listsFromCache.get() + stats().getsFromCache.get() - cachedBefore;
    assertThat(cached).as("reads served from the cache (Tables too)").isPositive();
    assertThat(passedUpstream() - passedBefore).as("configmaps reads passed upstream").isZero();
  }

  @Test
  void missingObjectAndNamespaceErrorsAreTheApiserversOwn() {
    same("get", "configmap", "nope", "-n", NS, "-o", "json");
    same("get", "configmaps", "-n", "no-such-namespace", "-o", "json");
    same("get", "configmaps", "-n", "no-such-namespace");
  }

  /**
   * {@code kubectl get -w} through Breakwater and direct at the same time; changes written
   * upstream while both watch; the printed events compared once both have printed the last one.
   */
  @ParameterizedTest(name = "get -w {0}")
  @ValueSource(strings = {"--output-watch-events -o json", "--output-watch-events", "-o name", "-A --output-watch-events -o jsonpath"})
  void watch(String options) throws Exception {
    String ns = ("kubectl-watch" + options.replaceAll("[^a-z]+", "-")).replaceAll("-+$", "");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    var cms = client.configMaps().inNamespace(ns);
    for (int i = 0; i < 3; i++) {
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName("pre-" + i).endMetadata().addToData("i", String.valueOf(i)).build())
          .create();
    }
    List<String> args = new ArrayList<>(List.of("get", "configmaps", "-w"));
    if (!options.contains("-A")) {
      args.addAll(List.of("-n", ns));
    }
    for (String o : options.split(" ")) {
      args.add(o.equals("jsonpath")
          ? "jsonpath={.type} {.object.metadata.namespace}/{.object.metadata.name} {.object.metadata.resourceVersion}{\"\\n\"}" : o);
    }
    boolean table = table(args);
    long watchesBefore = stats().watchesFromCache.get();
    try (Streamed d = new Streamed(direct.start(args.toArray(String[]::new)));
         Streamed b = new Streamed(viaBreakwater.start(args.toArray(String[]::new)))) {
      String listed = options.contains("-A") ? ns + "/pre-2" : "pre-2";
      for (Streamed s : List.of(d, b)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> s.text().contains(listed));
      }
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName("new").endMetadata().build()).create();
      cms.withName("new").edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("x", "y").endMetadata().build());
      cms.withName("pre-0").edit(cm -> new ConfigMapBuilder(cm).addToData("changed", "yes").build());
      cms.withName("new").delete();
      cms.withName("pre-1").delete();
      // -o name prints no event type: the last change is the second line naming pre-1 (listed, deleted).
      Pattern last = options.equals("-o name") ? Pattern.compile("(?s)(.*pre-1){2}") : Pattern.compile("(?m)^.*DELETED.*pre-1");
      for (Streamed s : List.of(d, b)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> last.matcher(s.text()).find());
      }
      Thread.sleep(500); // anything printed after the last event would be a difference too
      String viaDirect = d.text();
      String viaBw = b.text();
      System.out.printf("kubectl get -w %s (direct):%n%s%n", options, viaDirect);
      assertThat(table ? maskAge(viaBw) : viaBw).as("kubectl get -w %s through Breakwater", options)
          .isEqualTo(table ? maskAge(viaDirect) : viaDirect);
    }
    long watches = stats().watchesFromCache.get() - watchesBefore;
    assertThat(watches).as("kubectl's WATCH served from the cache (Tables too)").isEqualTo(1);
  }

  /** Runs kubectl through Breakwater and direct; the two must exit alike and print the same; returns the output. */
  static String same(String... args) {
    Kubectl.Result d = direct.run(args);
    Kubectl.Result b = viaBreakwater.run(args);
    boolean table = table(List.of(args));
    assertThat(b.exitCode()).as("exit code of kubectl %s through Breakwater (stderr %s)", String.join(" ", args), b.stderr())
        .isEqualTo(d.exitCode());
    assertThat(table ? maskAge(b.stdout()) : b.stdout()).as("stdout of kubectl %s", String.join(" ", args))
        .isEqualTo(table ? maskAge(d.stdout()) : d.stdout());
    assertThat(b.stderr()).as("stderr of kubectl %s", String.join(" ", args)).isEqualTo(d.stderr());
    return b.stdout();
  }

  /** Whether kubectl prints a server-side table ({@code as=Table}): no {@code -o}, or {@code -o wide}. */
  static boolean table(List<String> args) {
    int o = args.indexOf("-o");
    return o < 0 ? args.stream().noneMatch(a -> a.startsWith("-o=")) : args.get(o + 1).equals("wide");
  }

  /** Reads of configmaps Breakwater passed upstream so far (its own metrics). */
  static double passedUpstream() throws Exception {
    try (HttpClient http = RawHttp.plain()) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines().filter(l -> l.startsWith("breakwater_requests_total{resource=\"configmaps\",served=\"upstream\""))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
  }

  /** The AGE column (last) of a kubectl table, values masked; the header row keeps its title. */
  static String maskAge(String table) {
    return table.lines().map(l -> l.endsWith("AGE") ? l : AGE_CELL.matcher(l).replaceAll("<age>")).collect(Collectors.joining("\n"));
  }

  static ReadStats stats() {
    return bw.server().readStats().orElseThrow();
  }

  /** A background kubectl whose output (stdout and stderr) is collected as it comes. */
  static final class Streamed implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();

    Streamed(Process process) {
      this.process = process;
      Thread.ofVirtual().start(() -> {
        try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
          char[] buf = new char[8192];
          for (int n; (n = in.read(buf)) > 0; ) {
            out.append(buf, 0, n);
          }
        } catch (IOException e) {
          // process ended
        }
      });
    }

    String text() {
      return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
