package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.selector.ShardSelector;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.InformerProbe;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.Things;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 item 3: sharded LIST and WATCH ({@code shardSelector}, KEP-5866, gate ShardedListAndWatch).
 * Breakwater serves them from its cache as an apiserver with the gate on does, whatever the upstream's gate:
 * <ul>
 *   <li>in front of an apiserver started with {@code --feature-gates=ShardedListAndWatch=true} (own cluster),
 *       LISTs (JSON, pretty, YAML, protobuf, PartialObjectMetadataList JSON and protobuf, Table; paginated; with a
 *       label selector), WATCHes (JSON, protobuf) and every bad selector's error are byte-identical direct and
 *       through Breakwater;</li>
 *   <li>in front of the shared apiserver (gate off, which ignores the parameter), a client of N = 3 shards gets,
 *       through LIST then WATCH with writes, each shard exactly its objects, the union the whole collection,
 *       {@code shardInfo} as the gate-on apiserver writes it; bad selectors get the gate-on apiserver's errors.</li>
 * </ul>
 */
@ExtendWith(ClusterExtension.class)
class ShardedListWatchE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "shards";
  static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
  static final String[] BOUNDS = {"0x0000000000000000", "0x5555555555555555", "0xaaaaaaaaaaaaaaaa", "0x10000000000000000"};

  static LocalCluster gateOn;
  static Breakwater bwOn;
  static Breakwater bwOff;
  static LocalCluster shared;
  static HttpClient directOn;
  static HttpClient directOff;
  static HttpClient plain;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient sharedClient) throws Exception {
    shared = c;
    gateOn = Clusters.startPrivate(LocalCluster.builder().apiServerFlag("--feature-gates=ShardedListAndWatch=true"));
    KubernetesClient on = ClusterExtension.direct(gateOn);
    for (KubernetesClient k : List.of(on, sharedClient)) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
      for (int i = 0; i < 12; i++) {
        k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i)
            .addToLabels("team", i % 2 == 0 ? "a" : "b").endMetadata().addToData("i", Integer.toString(i)).build()).serverSideApply();
      }
    }
    Things.apply(gateOn, "shard.example.com", NS);
    bwOn = Breakwater.start(Breakwater.config(gateOn.kubeconfig(), Optional.empty()).withCacheReads(true));
    bwOff = Breakwater.start(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true));
    directOn = RawHttp.direct(gateOn);
    directOff = RawHttp.direct(c);
    plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (Breakwater bw : List.of(bwOn, bwOff)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> Differential.send(plain, URI.create(bw.url() + CMS + "?resourceVersion=0"),
          "application/json", "breakwater-e2e").statusCode() == 200);
    }
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable a : new AutoCloseable[] {bwOn, bwOff, gateOn}) {
      try {
        if (a != null) {
          a.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  static String shard(int i) {
    return "shardRange(object.metadata.uid, '" + BOUNDS[i] + "', '" + BOUNDS[i + 1] + "')";
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static long currentRv(HttpClient http, URI server) throws Exception {
    HttpResponse<byte[]> r = Differential.send(http, server.resolve(CMS + "?limit=1"), "application/json", "breakwater-e2e");
    return Long.parseLong(JSON.readTree(r.body()).path("metadata").path("resourceVersion").asText());
  }

  static void same(String query, String accept) {
    same(CMS, query, accept);
  }

  /**
   * Direct (gate on) and through Breakwater: same status, Content-Type and bytes, Breakwater's from its cache; a Table
   * is asked again if its Age ticked, and a first protobuf LIST (which starts the protobuf cache) until it is served.
   */
  static void same(String path, String query, String accept) {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<byte[]> up = Differential.send(directOn, gateOn.server().resolve(path + query), accept, "breakwater-e2e");
      long upstream = bwOn.server().readStats().orElseThrow().passedUpstream.get();
      HttpResponse<byte[]> bw = Differential.send(plain, URI.create(bwOn.url() + path + query), accept, "breakwater-e2e");
      if (bwOn.server().readStats().orElseThrow().passedUpstream.get() != upstream) {
        assertThat(attempt).as("%s %s: still passed upstream", accept, query).isLessThan(50);
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        continue;
      }
      try {
        Differential.assertSame(query, accept, up, bw);
        return;
      } catch (AssertionError e) {
        if (!accept.contains("as=Table") || attempt >= 52) {
          throw e;
        }
      }
    }
  }

  @Test
  void listsAreTheGateOnApiserversBytes() throws Exception {
    long rv = currentRv(directOn, gateOn.server());
    // Breakwater's cache reaches rv (an Exact LIST waits for it) before bytes are compared.
    await().atMost(Duration.ofSeconds(10)).until(() -> Differential.send(plain, URI.create(bwOn.url() + CMS + "?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan"), "application/json", "breakwater-e2e").statusCode() == 200);
    String exact = "resourceVersion=" + rv + "&resourceVersionMatch=Exact";
    String two = shard(1) + " || " + shard(2);
    List<String> accepts = List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf",
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
        "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
        "application/json;as=Table;v=v1;g=meta.k8s.io");
    for (String accept : accepts) {
      same("?" + exact + "&shardSelector=" + q(shard(0)), accept);
      same("?" + exact + "&shardSelector=" + q(two) + "&labelSelector=team%3Da", accept);
      same("?limit=2&" + exact + "&shardSelector=" + q(shard(2)), accept);
    }
    same("?" + exact + "&pretty=true&shardSelector=" + q("(" + shard(0) + ")||" + shard(2)), "application/json");
    same("?" + exact + "&shardSelector=" + q("shardRange(object.metadata.namespace, '0x0000000000000000', '0x10000000000000000')"),
        "application/json");
    same("?" + exact + "&shardSelector=", "application/json");
    // Custom resources: filtered, but an UnstructuredList has no shardInfo (no ShardedListInterface).
    String things = Things.path("shard.example.com", NS);
    for (String accept : List.of("application/json", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")) {
      same(things, "?" + exact + "&shardSelector=" + q(shard(0)), accept);
      same(things, "?" + exact + "&shardSelector=" + q(shard(0) + "||" + shard(1) + "||" + shard(2)), accept);
    }
    // Paginated: every page, the apiserver's tokens followed on both; without selectors remainingItemCount counts all.
    // The shard paged through is the fullest (uids are random; 12 objects put at least 4 in one of 3 shards).
    int[] counts = new int[3];
    JSON.readTree(Differential.send(directOn, gateOn.server().resolve(CMS + "?" + exact), "application/json", "breakwater-e2e").body())
        .path("items").forEach(i -> {
          for (int s = 0; s < 3; s++) {
            if (((ShardSelector.Parse.Ok) ShardSelector.parse(shard(s))).selector().matchesValue(i.path("metadata").path("uid").asText())) {
              counts[s]++;
            }
          }
        });
    int fullest = counts[0] >= counts[1] && counts[0] >= counts[2] ? 0 : counts[1] >= counts[2] ? 1 : 2;
    for (String extra : List.of("", "&labelSelector=team%3Db")) {
      String token = null;
      int pages = 0;
      do {
        String query = token == null ? "?limit=2&" + exact + "&shardSelector=" + q(shard(fullest)) + extra
            : "?limit=2&continue=" + token + "&shardSelector=" + q(shard(fullest)) + extra;
        same(query, "application/json");
        JsonNode page = JSON.readTree(Differential.send(directOn, gateOn.server().resolve(CMS + query), "application/json",
            "breakwater-e2e").body());
        assertThat(page.path("metadata").path("shardInfo").path("selector").asText()).isEqualTo(shard(fullest));
        token = page.path("metadata").path("continue").asText("");
        pages++;
      } while (!token.isEmpty() && pages < 20);
      if (extra.isEmpty()) {
        assertThat(pages).isGreaterThan(1);
      }
    }
  }

  /** Every answer here must be the gate-on apiserver's: direct (gate on), and through Breakwater in front of gate on and gate off. */
  @Test
  void badSelectorsGetTheGateOnApiserversErrors() throws Exception {
    List<String> bad = List.of(" ", "x", "shardRange()", shard(0) + " || shardRange(object.metadata.namespace, '0x0000000000000000', '0x8000000000000000')",
        "shardRange(object.metadata.name, '0x0000000000000000', '0x8000000000000000')",
        "shardRange(object.metadata.uid, '0x0', '0x8000000000000000')",
        "shardRange(object.metadata.uid, '0x8000000000000000', '0x0000000000000000')",
        "shardRange(object.metadata.uid, '0x0000000000000000', '0x1000000000000000F')",
        "foo(object.metadata.uid)");
    List<String> prefixes = List.of("?", "?limit=3&", "?resourceVersion=abc&", "?continue=abc&", "?watch=1&", "?watch=1&resourceVersion=abc&");
    for (String sel : bad) {
      for (String prefix : prefixes) {
        String query = prefix + "shardSelector=" + q(sel);
        HttpResponse<byte[]> up = Differential.send(directOn, gateOn.server().resolve(CMS + query), "application/json", "breakwater-e2e");
        assertThat(up.statusCode()).as(query).isEqualTo(500);
        Differential.assertSame(query, "application/json", up,
            Differential.send(plain, URI.create(bwOn.url() + CMS + query), "application/json", "breakwater-e2e"));
        Differential.assertSame("(gate off upstream) " + query, "application/json", up,
            Differential.send(plain, URI.create(bwOff.url() + CMS + query), "application/json", "breakwater-e2e"));
      }
    }
    // Errors the apiserver gives before the shard selector's stay first.
    for (String query : List.of("?limit=abc&shardSelector=x", "?labelSelector=a%20in&shardSelector=x",
        "?resourceVersionMatch=Exact&shardSelector=x", "?watch=1&sendInitialEvents=true&shardSelector=x")) {
      HttpResponse<byte[]> up = Differential.send(directOn, gateOn.server().resolve(CMS + query), "application/json", "breakwater-e2e");
      assertThat(up.statusCode()).as(query).isIn(400, 422);
      Differential.assertSame(query, "application/json", up,
          Differential.send(plain, URI.create(bwOff.url() + CMS + query), "application/json", "breakwater-e2e"));
    }
  }

  /** Reads a watch to its end (timeoutSeconds). */
  static CompletableFuture<byte[]> watch(HttpClient http, URI uri, String accept) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Accept", accept).header("User-Agent", "breakwater-e2e")
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = r.body()) {
        return in.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void watchesAreTheGateOnApiserversEvents() throws Exception {
    KubernetesClient on = ClusterExtension.direct(gateOn);
    long rv = currentRv(directOn, gateOn.server());
    var cms = on.configMaps().inNamespace(NS);
    for (int i = 0; i < 6; i++) {
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName("w" + i).endMetadata().build()).create();
    }
    cms.withName("w1").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
    cms.withName("w2").delete();
    cms.withName("c3").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
    long after = currentRv(directOn, gateOn.server());
    await().atMost(Duration.ofSeconds(10)).until(() -> Differential.send(plain, URI.create(bwOn.url() + CMS + "?resourceVersion=" + after
        + "&resourceVersionMatch=NotOlderThan"), "application/json", "breakwater-e2e").statusCode() == 200);
    long fromCache = bwOn.server().readStats().orElseThrow().watchesFromCache.get();
    List<String[]> runs = new ArrayList<>();
    List<CompletableFuture<byte[]>[]> futures = new ArrayList<>();
    for (String accept : List.of("application/json", "application/vnd.kubernetes.protobuf")) {
      for (int s : new int[] {0, 1, 2}) {
        String query = CMS + "?watch=1&timeoutSeconds=2&resourceVersion=" + rv + "&shardSelector=" + q(shard(s));
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] pair = new CompletableFuture[] {watch(directOn, gateOn.server().resolve(query), accept),
            watch(plain, URI.create(bwOn.url() + query), accept)};
        runs.add(new String[] {accept, query});
        futures.add(pair);
      }
    }
    int events = 0;
    for (int i = 0; i < runs.size(); i++) {
      String accept = runs.get(i)[0];
      List<byte[]> up = Differential.withoutPeriodicBookmarks(Differential.frames(futures.get(i)[0].get(20, TimeUnit.SECONDS), accept));
      List<byte[]> bw = Differential.withoutPeriodicBookmarks(Differential.frames(futures.get(i)[1].get(20, TimeUnit.SECONDS), accept));
      assertThat(bw.stream().map(Differential::printable).toList()).as(runs.get(i)[1] + " " + accept)
          .isEqualTo(up.stream().map(Differential::printable).toList());
      events += up.size();
    }
    assertThat(events).as("every write lands in one of the 3 shards, seen in both encodings").isEqualTo(2 * 9);
    assertThat(bwOn.server().readStats().orElseThrow().watchesFromCache.get() - fromCache).isEqualTo(runs.size());
  }

  /**
   * A sharded watch older than the cache's window is not passed to a gate-off upstream (which would stream every
   * shard): it is answered as the gate-on apiserver answers one older than its window, 200 and one ERROR 410 (JSON,
   * protobuf).
   */
  @Test
  void aShardedWatchOlderThanTheWindowIsTheGateOnExpiry() throws Exception {
    String query = CMS + "?watch=1&resourceVersion=1&timeoutSeconds=5&shardSelector=" + q(shard(0));
    String pattern = "\\{\"type\":\"ERROR\",\"object\":\\{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":\\{\\},"
        + "\"status\":\"Failure\",\"message\":\"too old resource version: 1 \\(\\d+\\)\",\"reason\":\"Expired\",\"code\":410\\}\\}\n";
    // (The apiserver's own window on a young fixture cluster still reaches RV 1: its answer has this form when it does
    // not, SEMANTICS.md "WATCH". Breakwater's window starts at its first LIST.)
    byte[] through = watch(plain, URI.create(bwOff.url() + query), "application/json").get(20, TimeUnit.SECONDS);
    assertThat(new String(through, StandardCharsets.UTF_8)).matches(pattern);
    byte[] pb = watch(plain, URI.create(bwOff.url() + query), "application/vnd.kubernetes.protobuf").get(20, TimeUnit.SECONDS);
    List<byte[]> frames = Differential.frames(pb, "application/vnd.kubernetes.protobuf");
    assertThat(frames).hasSize(1);
    assertThat(Differential.printable(frames.getFirst())).contains("ERROR").contains("too old resource version: 1 (").contains("Expired");
  }

  /**
   * A client of 3 shards in front of the shared apiserver, whose gate is off: each shard's LIST and WATCH carry exactly
   * the objects whose uid hashes into its range; together they are the whole collection, each object in one shard.
   */
  @Test
  void threeShardsBehindAGateOffUpstreamPartitionTheCollection(KubernetesClient k) throws Exception {
    long rv = currentRv(directOff, shared.server());
    HttpResponse<byte[]> all = Differential.send(directOff, shared.server().resolve(CMS + "?resourceVersion=" + rv
        + "&resourceVersionMatch=Exact"), "application/json", "breakwater-e2e");
    Map<String, String> uidByName = new TreeMap<>();
    JSON.readTree(all.body()).path("items").forEach(i -> uidByName.put(i.path("metadata").path("name").asText(),
        i.path("metadata").path("uid").asText()));
    assertThat(uidByName).hasSizeGreaterThanOrEqualTo(12);
    // The gate-off apiserver ignores the parameter: everything, no shardInfo.
    JsonNode ignored = JSON.readTree(Differential.send(directOff, shared.server().resolve(CMS + "?shardSelector=" + q(shard(0))),
        "application/json", "breakwater-e2e").body());
    assertThat(ignored.path("metadata").has("shardInfo")).isFalse();
    assertThat(ignored.path("items").size()).isEqualTo(uidByName.size());

    List<CompletableFuture<byte[]>> watches = new ArrayList<>();
    Set<String> union = new HashSet<>();
    for (int s = 0; s < 3; s++) {
      ShardSelector sel = ((ShardSelector.Parse.Ok) ShardSelector.parse(shard(s))).selector();
      String query = CMS + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&shardSelector=" + q(shard(s));
      JsonNode list = JSON.readTree(Differential.send(plain, URI.create(bwOff.url() + query), "application/json", "breakwater-e2e").body());
      assertThat(list.path("metadata").path("shardInfo").path("selector").asText()).isEqualTo(shard(s));
      List<String> names = new ArrayList<>();
      list.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
      List<String> expected = uidByName.entrySet().stream().filter(e -> sel.matchesValue(e.getValue())).map(Map.Entry::getKey).toList();
      assertThat(names).as("shard %d", s).containsExactlyElementsOf(expected);
      assertThat(union.stream().filter(names::contains)).isEmpty();
      union.addAll(names);
      watches.add(watch(plain, URI.create(bwOff.url() + CMS + "?watch=1&timeoutSeconds=3&allowWatchBookmarks=true&resourceVersion=" + rv
          + "&shardSelector=" + q(shard(s))), "application/json"));
    }
    assertThat(union).isEqualTo(uidByName.keySet());

    var cms = k.configMaps().inNamespace(NS);
    Map<String, String> written = new TreeMap<>();
    for (int i = 0; i < 9; i++) {
      written.put("x" + i, cms.resource(new ConfigMapBuilder().withNewMetadata().withName("x" + i).endMetadata().build()).create()
          .getMetadata().getUid());
    }
    cms.withName("x4").delete();
    Set<String> seen = new HashSet<>();
    for (int s = 0; s < 3; s++) {
      ShardSelector sel = ((ShardSelector.Parse.Ok) ShardSelector.parse(shard(s))).selector();
      Set<String> names = new HashSet<>();
      for (byte[] frame : Differential.frames(watches.get(s).get(20, TimeUnit.SECONDS), "application/json")) {
        JsonNode ev = JSON.readTree(frame);
        if (ev.path("type").asText().equals("BOOKMARK")) {
          continue;
        }
        String uid = ev.path("object").path("metadata").path("uid").asText();
        assertThat(sel.matchesValue(uid)).as("shard %d got %s", s, ev.path("object").path("metadata").path("name")).isTrue();
        names.add(ev.path("object").path("metadata").path("name").asText());
      }
      List<String> expected = written.entrySet().stream().filter(e -> sel.matchesValue(e.getValue())).map(Map.Entry::getKey).toList();
      assertThat(names).as("shard %d", s).containsExactlyInAnyOrderElementsOf(expected);
      seen.addAll(names);
    }
    assertThat(seen).isEqualTo(written.keySet());
  }

  /**
   * The same with client-go: the fixture's informer-probe (client-go v0.36.3, protobuf and metadata informers)
   * runs 3 informers, each with {@code ListOptions.ShardSelector} for one third of the uid space, through Breakwater
   * in front of the gate-off apiserver: each holds exactly its shard, also after writes; together, everything.
   */
  @Test
  void clientGoInformersOfThreeShardsBehindAGateOffUpstream(KubernetesClient k) throws Exception {
    for (InformerProbe.ContentType ct : List.of(InformerProbe.ContentType.DEFAULT, InformerProbe.ContentType.METADATA)) {
      try (InformerProbe probe = InformerProbe.start(InformerProbe.server(bwOff.url()), "configmaps", NS, 3, true, ct, 3)) {
        probe.awaitSynced(Duration.ofSeconds(60));
        String prefix = "y" + ct.name().toLowerCase(java.util.Locale.ROOT) + "-";
        var cms = k.configMaps().inNamespace(NS);
        for (int i = 0; i < 6; i++) {
          cms.resource(new ConfigMapBuilder().withNewMetadata().withName(prefix + i).endMetadata().build()).create();
        }
        cms.withName(prefix + "0").delete();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          Map<String, String> uids = new TreeMap<>();
          JSON.readTree(Differential.send(directOff, shared.server().resolve(CMS), "application/json", "breakwater-e2e").body())
              .path("items").forEach(i -> uids.put(NS + "/" + i.path("metadata").path("name").asText(), i.path("metadata").path("uid").asText()));
          List<Map<String, String>> stores = probe.dump();
          Set<String> union = new HashSet<>();
          for (int s = 0; s < 3; s++) {
            ShardSelector sel = ((ShardSelector.Parse.Ok) ShardSelector.parse(shard(s))).selector();
            Set<String> expected = new HashSet<>();
            uids.forEach((key, uid) -> {
              if (sel.matchesValue(uid)) {
                expected.add(key);
              }
            });
            assertThat(stores.get(s).keySet()).as("%s informer %d", ct, s).isEqualTo(expected);
            union.addAll(stores.get(s).keySet());
          }
          assertThat(union).isEqualTo(uids.keySet());
        });
      }
    }
  }
}
