package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.http.ReadStats;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * YAML ({@code Accept: application/yaml}) LISTs and GETs served from the cache against the
 * apiserver's own, byte for byte: ConfigMaps whose data, annotations and labels hold the strings
 * yaml.v2 quotes, folds, escapes or writes as literal blocks; a custom resource with ints, big
 * ints, floats, booleans, nulls, nested and empty lists and maps; namespaced and cluster-wide,
 * paginated (continue, remainingItemCount) and not, with selectors; Namespaces (cluster-scoped);
 * PartialObjectMetadata(List) in YAML. Each must be served from the cache ({@link ReadStats}).
 * The cache's own error Statuses are written in YAML. What stays upstream is checked to answer
 * the same: an object the apiserver's conversion fails on (a raw DEL: its 500), a WATCH in YAML
 * (406), a Table in YAML.
 */
@ExtendWith(ClusterExtension.class)
class YamlE2ETest {

  static final String NS = "yaml-a";
  static final String NS2 = "yaml-b";
  static final String BAD = "yaml-bad";
  static final String GROUP = "e2e.breakwater.dev";
  static final String CR = "/apis/" + GROUP + "/v1";
  static final String YAML = "application/yaml";
  static final String POM = "application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  static final String POM_LIST = "application/yaml;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;

  static Map<String, String> trickyData() {
    Map<String, String> d = new LinkedHashMap<>();
    String[] values = {"", " ", "plain", "multi\nline", "multi\nline\n", "multi\nline\n\n", "\nleading break", "trailing space ",
        " leading space", "  two", "space \nbreak", "break\n space", "a: b", "a:b", ": ", "-", "- x", "---", "...", "? x", "# c", "a #b",
        "a#b", "[x]", "{x}", "&a", "*a", "!t", "|", ">", "'", "\"", "it's", "say \"hi\"", "%", "@", "`", "back\\slash", "yes", "Yes",
        "no", "NO", "y", "n", "on", "off", "true", "False", "null", "Null", "~", "<<", "1", "-1", "+1", "0", "00", "012", "08", "0o17",
        "0x1F", "0b101", "1_000", "1e3", "1E3", "1e400", ".5", ".inf", "-.inf", ".nan", "nan", "9223372036854775808",
        "18446744073709551616", "1:20", "1:20:30", "190:20:30.15", "2024-01-02", "2024-1-2", "2024-02-30", "2024-01-02T03:04:05Z",
        "2024-01-02 03:04:05", "2024-01-02T03:04:05+01:00", "tab\there", "cr\rhere", "crlf\r\nnext", "nul\u0000", "bell\u0007",
        "esc\u001b", "nel\u0085", "nel\u0085 spaced \u0085\u0085 out", "nbsp\u00a0", "ls\u2028ps\u2029", "bom\ufeff", "\ufeffbom", "é",
        "日本語", "emoji 😀", "<html>&amp;", "private\ue000", "a".repeat(81), "a".repeat(300), "word ".repeat(30),
        "word ".repeat(30) + "end", "w ".repeat(60), "the quick brown fox jumps over the lazy dog and keeps running until the line folds",
        "spaces  inside  a  long  string  that  goes  on  and  on  past  the  eighty  column  limit  of  yaml  output",
        "é".repeat(90) + " " + "日".repeat(10), "tab\t" + "word ".repeat(25), "quote\" " + "word ".repeat(25), "x".repeat(79) + " y z",
        "first line\n" + "word ".repeat(30) + "\nlast", "line\n".repeat(5), "  indented\n  block\n", "trailing breaks\n\n\n",
        "trailing spaces on line  \nnext", "esc\u001b " + "long ".repeat(20), "emoji 😀 " + "long ".repeat(20),
        "ab ".repeat(40) + " double  space", "z".repeat(78) + "  yy", "#!/bin/sh\nset -e\necho \"$HOME\"\n"};
    for (int i = 0; i < values.length; i++) {
      d.put("k" + i, values[i]);
    }
    // keys that are numbers, booleans or sort naturally (not a set keyList.Less orders in a cycle, such as
    // "10" < "1e3" < "9" < "10": the apiserver's own order is then random)
    for (String k : List.of("1", "10", "9", "a10", "a9", "a09", "yes", "true", "null", "012", "_x", "-y", ".z", "A", "b")) {
      d.put(k, "key " + k);
    }
    d.put("long-key-" + "k".repeat(130), "a key over 128 bytes is written as a complex key");
    return d;
  }

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    for (String ns : List.of(NS, NS2, BAD)) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels("yaml-e2e", "yes").endMetadata().build())
          .serverSideApply();
    }
    Map<String, String> data = trickyData();
    Map<String, String> annotations = new LinkedHashMap<>();
    data.forEach((key, v) -> annotations.put("e2e.breakwater.dev/" + (key.length() > 60 ? "long" : "a" + key), v));
    String[] labelValues = {"yes", "no", "012", "1e3", "true", "null", "0x1F", "1", "a.b-c_d", "Y", "on", "2024-01-02"};
    for (String ns : List.of(NS, NS2)) {
      for (int i = 0; i < labelValues.length; i++) {
        var b = new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).addToLabels("v", labelValues[i])
            .addToLabels("parity", i % 2 == 0 ? "even" : "odd").addToLabels("yaml-e2e", "yes").endMetadata();
        if (i == 0) {
          b.editMetadata().addToAnnotations(annotations).endMetadata().addToData(data);
        } else {
          b.addToData("i", String.valueOf(i)).addToData("text", "line " + i + "\nnext\n").addToBinaryData("bin", "AAEC");
        }
        k.configMaps().inNamespace(ns).resource(b.build()).create();
      }
    }
    // The apiserver's YAML conversion fails on a raw DEL (yaml.v2: "control characters are not allowed").
    k.configMaps().inNamespace(BAD).resource(new ConfigMapBuilder().withNewMetadata().withName("del").endMetadata()
        .addToData("a", "x\u007fy").build()).create();

    k.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("yamlwidgets." + GROUP).endMetadata()
        .withNewSpec().withGroup(GROUP).withScope("Namespaced")
        .withNewNames().withKind("YamlWidget").withPlural("yamlwidgets").withSingular("yamlwidget").withListKind("YamlWidgetList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build()).serverSideApply();
    k.apiextensions().v1().customResourceDefinitions().withName("yamlwidgets." + GROUP).waitUntilCondition(crd -> crd.getStatus() != null
        && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1")
        .withPlural("yamlwidgets").withKind("YamlWidget").withNamespaced(true).build();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> k.genericKubernetesResources(ctx).inNamespace(NS).list() != null);
    for (int i = 0; i < 4; i++) {
      String spec = "{\"ints\":[0,1,-1,9223372036854775807,-9223372036854775808,9007199254740993],\"big\":18446744073709551615,"
          + "\"floats\":[0.5,1.5,-0.0,1e-7,1.5e-7,1e21,1e20,123456789.125,0.1,1e6,1.5e6,3.0,2.5e-308],\"t\":true,\"f\":false,\"n\":null,"
          + "\"nested\":[[1,[2,[]]],{},[{}],{\"a\":{\"b\":[]}}],\"empty\":{},\"none\":[],\"10\":1,\"9\":2,\"a10\":3,\"a9\":4,"
          + "\"yes\":\"no\",\"text\":" + JSON.writeValueAsString("widget " + i + "\n" + "long ".repeat(20 + i)) + ",\"i\":" + i + "}";
      k.genericKubernetesResources(ctx).inNamespace(i % 2 == 0 ? NS : NS2).resource(new GenericKubernetesResourceBuilder()
          .withApiVersion(GROUP + "/v1").withKind("YamlWidget").withNewMetadata().withName("w" + i).addToLabels("odd", String.valueOf(i % 2 == 1))
          .endMetadata().addToAdditionalProperties("spec", JSON.readValue(spec, Map.class)).build()).create();
    }

    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String path : List.of("/api/v1/configmaps", "/api/v1/namespaces", CR + "/yamlwidgets")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through(path + "?resourceVersion=0", "application/json").statusCode() == 200
          && stats().listsFromCache.get() > 0);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    if (direct != null) {
      direct.close();
      plain.close();
    }
  }

  static ReadStats stats() {
    return bw.server().readStats().orElseThrow();
  }

  static HttpResponse<String> through(String pathAndQuery, String accept) throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + pathAndQuery)).header("User-Agent", "breakwater-e2e")
        .header("Accept", accept).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> upstream(String pathAndQuery, String accept) throws Exception {
    return direct.send(HttpRequest.newBuilder(cluster.server().resolve(pathAndQuery)).header("User-Agent", "breakwater-e2e")
        .header("Accept", accept).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static long currentRv(String collection) throws Exception {
    return Long.parseLong(JSON.readTree(upstream(collection + "?limit=1", "application/json").body()).path("metadata")
        .path("resourceVersion").asText());
  }

  /** Same request both ways: same status, Content-Type and body, and through Breakwater counted by {@code served}. */
  static HttpResponse<String> same(String query, String accept, ToLongFunction<ReadStats> served) throws Exception {
    long before = served.applyAsLong(stats());
    HttpResponse<String> u = upstream(query, accept);
    HttpResponse<String> t = through(query, accept);
    assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
    assertThat(t.headers().firstValue("Content-Type")).as(query).isEqualTo(u.headers().firstValue("Content-Type"));
    assertThat(t.body()).as(query + firstDifference(t.body(), u.body())).isEqualTo(u.body());
    assertThat(served.applyAsLong(stats())).as("from the cache: " + query).isEqualTo(before + 1);
    return t;
  }

  /** Where two bodies part, for the failure message. */
  static String firstDifference(String got, String want) {
    String[] g = got.split("\n", -1);
    String[] w = want.split("\n", -1);
    for (int i = 0; i < Math.min(g.length, w.length); i++) {
      if (!g[i].equals(w[i])) {
        return " — line " + (i + 1) + ": got " + JSON.valueToTree(g[i]) + ", apiserver " + JSON.valueToTree(w[i]);
      }
    }
    return g.length == w.length ? "" : " — lengths " + g.length + " vs " + w.length;
  }

  static final Pattern CONTINUE = Pattern.compile("(?m)^  continue: (\\S+)$");

  @Test
  void listsAtAnExactResourceVersionAreByteIdentical() throws Exception {
    for (String base : List.of("/api/v1/configmaps", CR + "/yamlwidgets")) {
      long rv = currentRv(base);
      await().atMost(Duration.ofSeconds(10)).until(() -> through(base + "?resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan",
          "application/json").statusCode() == 200);
      String ns = base.startsWith("/api/v1") ? "/api/v1/namespaces/" : CR + "/namespaces/";
      String resource = base.substring(base.lastIndexOf('/'));
      List<String> queries = new ArrayList<>();
      String exact = "?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
      for (String coll : List.of(ns + NS + resource, ns + NS2 + resource)) {
        queries.add(coll + exact);
        queries.add(coll + exact + "&limit=3");
        queries.add(coll + "?resourceVersion=" + rv + "&limit=2");
        queries.add(coll + exact + "&limit=2&labelSelector=" + q("parity=even"));
        queries.add(coll + exact + "&fieldSelector=" + q("metadata.name=cm-0"));
        queries.add(coll + exact + "&labelSelector=" + q("odd=true"));
        queries.add(coll + exact + "&limit=1&labelSelector=" + q("v in (yes,012,null)"));
      }
      String selected = base.startsWith("/api/v1") ? "&labelSelector=" + q("yaml-e2e=yes") : "";
      queries.add(base + exact + selected);
      queries.add(base + exact + "&limit=5" + selected);
      queries.add(base + exact + "&limit=3&fieldSelector=" + q("metadata.namespace=" + NS));
      for (String query : queries) {
        same(query, YAML, s -> s.listsFromCache.get());
      }
      // follow a continue chain on both sides
      String query = ns + NS + resource + exact + "&limit=2";
      for (int page = 0; page < 10; page++) {
        String body = same(query, YAML, s -> s.listsFromCache.get()).body();
        Matcher m = CONTINUE.matcher(body);
        if (!m.find() || m.group(1).equals("\"\"")) {
          break;
        }
        query = ns + NS + resource + "?limit=2&continue=" + q(m.group(1));
        assertThat(page).as("pages").isLessThan(9);
      }
    }
  }

  @Test
  void getsAreByteIdentical() throws Exception {
    List<String> gets = new ArrayList<>();
    for (String ns : List.of(NS, NS2)) {
      for (int i = 0; i < 3; i++) {
        gets.add("/api/v1/namespaces/" + ns + "/configmaps/cm-" + i);
        gets.add("/api/v1/namespaces/" + ns + "/configmaps/cm-" + i + "?resourceVersion=0");
      }
    }
    gets.add("/api/v1/namespaces/" + NS + "/configmaps/cm-0?pretty=true");
    gets.add(CR + "/namespaces/" + NS + "/yamlwidgets/w0");
    gets.add(CR + "/namespaces/" + NS2 + "/yamlwidgets/w1?resourceVersion=0");
    gets.add("/api/v1/namespaces/" + NS);
    for (String query : gets) {
      same(query, YAML, s -> s.getsFromCache.get());
    }
    String cm = through("/api/v1/namespaces/" + NS + "/configmaps/cm-0", YAML).body();
    assertThat(cm).contains("  k3: |-\n    multi\n    line\n", "  k38: \"yes\"\n", "  \"1\": key 1\n", "? long-key-")
        .startsWith("apiVersion: v1\ndata:\n");
  }

  @Test
  void consistentAndClusterScopedListsAreServed() throws Exception {
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps", "/api/v1/namespaces?labelSelector=" + q("yaml-e2e=yes"),
        CR + "/namespaces/" + NS + "/yamlwidgets")) {
      long before = stats().listsFromCache.get();
      HttpResponse<String> t = through(query, YAML);
      HttpResponse<String> u = upstream(query, YAML);
      assertThat(stats().listsFromCache.get()).as("from the cache: " + query).isEqualTo(before + 1);
      assertThat(t.statusCode()).isEqualTo(u.statusCode()).isEqualTo(200);
      // the list's resourceVersion is each server's current one
      String rv = "(?m)^  resourceVersion: \"\\d+\"$";
      assertThat(t.body().replaceAll(rv, "RV")).as(query + firstDifference(t.body().replaceAll(rv, "RV"), u.body().replaceAll(rv, "RV")))
          .isEqualTo(u.body().replaceAll(rv, "RV"));
    }
  }

  @Test
  void partialObjectMetadataInYaml() throws Exception {
    long rv = currentRv("/api/v1/configmaps");
    await().atMost(Duration.ofSeconds(10)).until(() -> through("/api/v1/configmaps?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan", "application/json").statusCode() == 200);
    String exact = "?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps" + exact, "/api/v1/namespaces/" + NS + "/configmaps" + exact + "&limit=2",
        "/api/v1/namespaces/" + NS + "/configmaps" + exact + "&labelSelector=" + q("v=nothing"))) {
      same(query, POM_LIST, s -> s.listsFromCache.get());
    }
    same("/api/v1/namespaces/" + NS + "/configmaps/cm-0", POM, s -> s.getsFromCache.get());
    same(CR + "/namespaces/" + NS + "/yamlwidgets/w2", POM, s -> s.getsFromCache.get());
  }

  /** A list of many chunks (~2.5 MB of YAML) is the apiserver's bytes too; the times are printed, not asserted. */
  @Test
  void aLargeListIsStreamedAndIdentical(KubernetesClient k) throws Exception {
    String big = "yaml-big";
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(big).endMetadata().build()).serverSideApply();
    String value = "word ".repeat(1600);
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 300; i++) {
        int n = i;
        pool.submit(() -> k.configMaps().inNamespace(big).resource(new ConfigMapBuilder().withNewMetadata().withName("c-" + n).endMetadata()
            .addToData("v", value).addToData("n", String.valueOf(n)).build()).create());
      }
    }
    String coll = "/api/v1/namespaces/" + big + "/configmaps";
    long rv = currentRv(coll);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(coll + "?resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan",
        "application/json").statusCode() == 200);
    String query = coll + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact";
    String body = same(query, YAML, s -> s.listsFromCache.get()).body();
    assertThat(body.length()).isGreaterThan(2_000_000);
    long direct = 0;
    long via = 0;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      upstream(query, YAML);
      long t1 = System.nanoTime();
      through(query, YAML);
      long t2 = System.nanoTime();
      direct += t1 - t0;
      via += t2 - t1;
    }
    System.out.printf("YAML LIST of 300 ConfigMaps (%d bytes): apiserver %.1f ms, Breakwater %.1f ms (mean of 5)%n", body.length(),
        direct / 5e6, via / 5e6);
  }

  /** The cache's own errors, written in YAML as the apiserver's ErrorNegotiated writes them. */
  @Test
  void statusesAreWrittenInYaml() throws Exception {
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps/nope", "/api/v1/namespaces/" + NS + "/configmaps/nope?resourceVersion=0",
        "/api/v1/namespaces/" + NS + "/configmaps?continue=bad", "/api/v1/namespaces/" + NS + "/configmaps?resourceVersionMatch=Exact",
        CR + "/namespaces/" + NS + "/yamlwidgets/nope")) {
      HttpResponse<String> t = same(query, YAML, s -> s.errorsAtEdge.get());
      assertThat(t.statusCode()).as(query).isGreaterThanOrEqualTo(400);
      assertThat(t.body()).startsWith("apiVersion: v1\n");
    }
  }

  @Test
  void whatTheApiserverAnswersItselfStaysUpstreamAndIdentical() throws Exception {
    long rv = currentRv("/api/v1/configmaps");
    await().atMost(Duration.ofSeconds(10)).until(() -> through("/api/v1/configmaps?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan", "application/json").statusCode() == 200);
    record Case(String query, String accept, int code) {}
    List<Case> cases = List.of(
        // the conversion fails on the raw DEL: the apiserver's 500, in YAML
        new Case("/api/v1/namespaces/" + BAD + "/configmaps/del", YAML, 500),
        new Case("/api/v1/namespaces/" + BAD + "/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact", YAML, 500),
        new Case("/api/v1/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact", YAML, 500),
        // resourceVersions that are not uint64s are worded upstream (as for JSON)
        new Case("/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=abc", YAML, 400),
        new Case("/api/v1/namespaces/" + NS + "/configmaps/cm-0?resourceVersion=abc", YAML, 500),
        // no YAML stream serializer: 406
        new Case("/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=1", YAML, 406),
        new Case("/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=1", POM, 406),
        // Table in YAML
        new Case("/api/v1/namespaces/" + NS + "/configmaps" + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
            "application/yaml;as=Table;g=meta.k8s.io;v=v1", 200));
    for (Case c : cases) {
      long cache = stats().listsFromCache.get() + stats().getsFromCache.get() + stats().errorsAtEdge.get();
      HttpResponse<String> u = upstream(c.query(), c.accept());
      HttpResponse<String> t = through(c.query(), c.accept());
      assertThat(u.statusCode()).as(c.query()).isEqualTo(c.code());
      assertThat(t.statusCode()).as(c.query()).isEqualTo(u.statusCode());
      assertThat(t.headers().firstValue("Content-Type")).as(c.query()).isEqualTo(u.headers().firstValue("Content-Type"));
      if (c.code() != 200) {
        assertThat(t.body()).as(c.query()).isEqualTo(u.body());
      } else {
        assertThat(t.body().replaceAll("(?m)^(\\s*- )?(creationTimestamp|  - [0-9]+[smhd]).*$", "")).isNotEmpty();
      }
      assertThat(stats().listsFromCache.get() + stats().getsFromCache.get() + stats().errorsAtEdge.get())
          .as("upstream: " + c.query()).isEqualTo(cache);
    }
    assertThat(upstream("/api/v1/namespaces/" + BAD + "/configmaps/del", YAML).body()).contains("control characters are not allowed");
  }
}
