package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.http.ReadStats;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consistent reads of {@code events} (core v1 and events.k8s.io v1), which the apiserver serves from etcd (no watch
 * cache): Breakwater serves a large one from its cache only once its feed has delivered an event at or above the
 * upstream's current RV (the probe's), so every event write completed before the read is in the answer.
 *
 * <p>{@link #consistentReadsOfEventsSeeEveryEarlierWrite}: while a background writer creates an event every 50 ms in
 * another namespace, rounds of "write an event (straight to the apiserver or through Breakwater), then read it back
 * through Breakwater" — an unpaginated consistent LIST of the namespace (core and events.k8s.io), a cluster-wide one
 * pinned to the name by a field selector, a consistent GET and a consistent WatchList — must each show the write;
 * the namespace's LISTs are compared with the apiserver's, byte for byte but the list RV; most LISTs and WatchLists
 * must have been served from the cache, and a served WatchList carries no bookmark after its end marker, as the
 * apiserver's etcd-path watch. With the writer stopped (a quiet resource), a consistent LIST goes upstream.
 *
 * <p>{@link #kubectlGetEventsAllNamespacesDirectAndThroughBreakwater}: {@code kubectl get events -A} over
 * {@code -Devents.count} events (1 000 by default, to keep the run short;
 * the README's figures are of {@code -Devents.count=5000 -Devents.reps=3}), direct and through Breakwater, quiet and with events flowing, plus
 * the unpaginated form and what a probe and a WatchList barrier cost: the apiserver's and etcd's CPU-seconds (their
 * {@code /proc/<pid>/stat}, the background writer's own rate subtracted), printed as figures; asserted: the same rows.
 */
@ExtendWith(ClusterExtension.class)
class EventsConsistentReadE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "ev-ryw";
  static final String BG = "ev-bg";
  static final String BULK = "ev-bulk";
  static final int ROUNDS = 30;

  @Test
  void consistentReadsOfEventsSeeEveryEarlierWrite(LocalCluster cluster, KubernetesClient k) throws Exception {
    namespaces(k, NS, BG);
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
         HttpClient direct = RawHttp.direct(cluster); HttpClient plain = RawHttp.plain();
         Writer bg = new Writer(direct, cluster.server(), BG, 50)) {
      warm(plain, bw);
      ReadStats stats = bw.server().readStats().orElseThrow();
      bg.start();
      long fromCache0 = stats.listsFromCache.get();
      long watchesFromCache0 = stats.watchesFromCache.get();
      for (int i = 0; i < ROUNDS; i++) {
        String name = "x-" + i;
        boolean viaBreakwater = i % 2 == 1;
        HttpResponse<String> w = (viaBreakwater ? plain : direct).send(create(viaBreakwater ? URI.create(bw.url()) : cluster.server(),
            NS, name), HttpResponse.BodyHandlers.ofString());
        assertThat(w.statusCode()).as(w.body()).isEqualTo(201);
        long writtenRv = JSON.readTree(w.body()).path("metadata").path("resourceVersion").asLong();
        String round = name + " (written " + (viaBreakwater ? "through Breakwater" : "directly") + " at " + writtenRv + ")";

        for (String path : List.of("/api/v1/namespaces/" + NS + "/events", "/apis/events.k8s.io/v1/namespaces/" + NS + "/events",
            "/api/v1/events?fieldSelector=metadata.name%3D" + name)) {
          JsonNode list = JSON.readTree(get(plain, URI.create(bw.url() + path)).body());
          assertThat(list.path("metadata").path("resourceVersion").asLong()).as("%s: %s list RV", round, path).isGreaterThanOrEqualTo(writtenRv);
          assertThat(names(list)).as("%s: %s", round, path).contains(name);
        }
        assertThat(get(plain, URI.create(bw.url() + "/api/v1/namespaces/" + NS + "/events/" + name)).statusCode()).as(round).isEqualTo(200);
        assertThat(watchListNames(plain, URI.create(bw.url() + "/api/v1/namespaces/" + NS + "/events?watch=1&sendInitialEvents=true"
            + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=10"))).as(round).contains(name);
      }
      // the same bytes as the apiserver's (no write in NS between the two; the list RV may differ)
      for (String path : List.of("/api/v1/namespaces/" + NS + "/events", "/apis/events.k8s.io/v1/namespaces/" + NS + "/events")) {
        HttpResponse<byte[]> up = Differential.send(direct, cluster.server().resolve(path), "application/json");
        HttpResponse<byte[]> through = Differential.send(plain, URI.create(bw.url() + path), "application/json");
        Differential.assertSameCurrentList(path, up, through);
      }
      long servedFromCache = stats.listsFromCache.get() - fromCache0;
      long watchListsFromCache = stats.watchesFromCache.get() - watchesFromCache0;
      System.out.printf("events consistent reads while events flow: %d of %d LISTs and %d of %d WatchLists served from the cache%n",
          servedFromCache, 3 * ROUNDS + 2, watchListsFromCache, ROUNDS);
      assertThat(servedFromCache).as("consistent LISTs served from the cache while events flow").isGreaterThanOrEqualTo(ROUNDS);
      assertThat(watchListsFromCache).as("consistent WatchLists served from the cache while events flow").isGreaterThanOrEqualTo(ROUNDS / 2);

      // the etcd path's bookmarks: the WatchList's end marker only (no timer bookmark, even 2 s before the deadline)
      String flowing = "/api/v1/namespaces/" + BG + "/events?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
          + "&allowWatchBookmarks=true&timeoutSeconds=3";
      long watches = stats.watchesFromCache.get();
      List<String> upTypes = typesAfterInitialEvents(direct, cluster.server().resolve(flowing));
      List<String> bwTypes = typesAfterInitialEvents(plain, URI.create(bw.url() + flowing));
      assertThat(stats.watchesFromCache.get() - watches).as("the flowing WatchList served from the cache").isEqualTo(1);
      assertThat(upTypes).as("apiserver, after the initial events").contains("ADDED").doesNotContain("BOOKMARK");
      assertThat(bwTypes).as("Breakwater, after the initial events").contains("ADDED").doesNotContain("BOOKMARK");

      // quiet: no event for longer than the etcd path's wait → upstream at once, still exact
      bg.close();
      Thread.sleep(1_500);
      HttpResponse<String> w = direct.send(create(cluster.server(), NS, "quiet"), HttpResponse.BodyHandlers.ofString());
      assertThat(w.statusCode()).isEqualTo(201);
      Thread.sleep(1_200);
      long cached = stats.listsFromCache.get();
      long upstream = stats.passedUpstream.get();
      JsonNode list = JSON.readTree(get(plain, URI.create(bw.url() + "/api/v1/namespaces/" + NS + "/events")).body());
      assertThat(names(list)).contains("quiet");
      assertThat(stats.listsFromCache.get() - cached).as("from the cache on a quiet resource").isZero();
      assertThat(stats.passedUpstream.get() - upstream).as("upstream on a quiet resource").isEqualTo(1);
    }
  }

  @Test
  void kubectlGetEventsAllNamespacesDirectAndThroughBreakwater(LocalCluster cluster, KubernetesClient k) throws Exception {
    int count = Integer.getInteger("events.count", 1000);
    int reps = Integer.getInteger("events.reps", 1);
    namespaces(k, BULK, BG + "-m");
    try (HttpClient direct = RawHttp.direct(cluster); HttpClient plain = RawHttp.plain()) {
      long t0 = System.nanoTime();
      bulkCreate(direct, cluster.server(), BULK, count);
      System.out.printf("created %d events in %d ms%n", count, (System.nanoTime() - t0) / 1_000_000);
      try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true))) {
        warm(plain, bw);
        Kubectl viaDirect = new Kubectl(cluster.kubeconfig());
        Kubectl viaBw = new Kubectl(bw.kubeconfig());
        long api = pid(cluster.binaries().kubeApiServer(), cluster.workDir().resolve("tokens.csv").toString());
        long etcd = pid(cluster.binaries().etcd(), cluster.workDir().toString());
        Cpu cpu = new Cpu(api, etcd);
        ReadStats stats = bw.server().readStats().orElseThrow();
        // kubectl's discovery cache, filled once per server
        viaDirect.run("get", "namespaces").assertOk();
        viaBw.run("get", "namespaces").assertOk();

        Set<String> rowsDirect = rows(viaDirect.run("get", "events", "-A").assertOk().stdout());
        Set<String> rowsBw = rows(viaBw.run("get", "events", "-A").assertOk().stdout());
        assertThat(rowsBw).as("kubectl get events -A rows through Breakwater").isEqualTo(rowsDirect);
        assertThat(rowsDirect.size()).isGreaterThanOrEqualTo(count);

        List<String> figures = new ArrayList<>();
        Cpu.Idle none = new Cpu.Idle(0, 0);
        figures.add(cpu.measure("quiet   direct      kubectl get events -A", reps, none, stats,
            () -> viaDirect.run("get", "events", "-A").assertOk()));
        figures.add(cpu.measure("quiet   breakwater  kubectl get events -A", reps, none, stats,
            () -> viaBw.run("get", "events", "-A").assertOk()));
        figures.add(cpu.measure("quiet   direct      kubectl get events -A --chunk-size=0", reps, none, stats,
            () -> viaDirect.run("get", "events", "-A", "--chunk-size=0").assertOk()));
        figures.add(cpu.measure("quiet   breakwater  kubectl get events -A --chunk-size=0", reps, none, stats,
            () -> viaBw.run("get", "events", "-A", "--chunk-size=0").assertOk()));
        try (Writer bg = new Writer(direct, cluster.server(), BG + "-m", 100)) {
          bg.start();
          Thread.sleep(500);
          Cpu.Idle idle = cpu.idle(Duration.ofSeconds(3));
          figures.add(String.format(Locale.ROOT, "busy    baseline (one event per 100 ms): apiserver %.3f s/s, etcd %.3f s/s",
              idle.apiPerSecond(), idle.etcdPerSecond()));
          figures.add(cpu.measure("busy    direct      kubectl get events -A", reps, idle, stats,
              () -> viaDirect.run("get", "events", "-A").assertOk()));
          figures.add(cpu.measure("busy    breakwater  kubectl get events -A", reps, idle, stats,
              () -> viaBw.run("get", "events", "-A").assertOk()));
          figures.add(cpu.measure("busy    direct      kubectl get events -A --chunk-size=0", reps, idle, stats,
              () -> viaDirect.run("get", "events", "-A", "--chunk-size=0").assertOk()));
          long cached = stats.listsFromCache.get();
          figures.add(cpu.measure("busy    breakwater  kubectl get events -A --chunk-size=0", reps, idle, stats,
              () -> viaBw.run("get", "events", "-A", "--chunk-size=0").assertOk()));
          assertThat(stats.listsFromCache.get() - cached).as("unpaginated LISTs served from the cache while events flow")
              .isGreaterThanOrEqualTo(1);
          URI probe = cluster.server().resolve("/api/v1/events?limit=1");
          figures.add(cpu.measure("busy    direct      50 x LIST /api/v1/events?limit=1 (the probe)", 1, idle, stats, () -> {
            for (int i = 0; i < 50; i++) {
              get(direct, probe);
            }
          }));
          URI barrier = cluster.server().resolve("/api/v1/events?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
              + "&allowWatchBookmarks=true&labelSelector=breakwater-none%3Dx&timeoutSeconds=5");
          figures.add(cpu.measure("busy    direct      WatchList barrier (labelSelector matching none)", reps, idle, stats,
              () -> watchListNames(direct, barrier)));
        }
        System.out.println("kubectl get events -A, " + count + " events, " + reps + " runs each (CPU-seconds per run, upstream only):");
        figures.forEach(f -> System.out.println("  " + f));
      }
    }
  }

  // ---- support ----

  static void namespaces(KubernetesClient k, String... names) {
    for (String n : names) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n).endMetadata().build()).serverSideApply();
    }
  }

  static void warm(HttpClient plain, Breakwater bw) {
    for (String path : List.of("/api/v1/events?resourceVersion=0&limit=1", "/apis/events.k8s.io/v1/events?resourceVersion=0&limit=1")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(plain, URI.create(bw.url() + path)).statusCode() == 200);
    }
  }

  static HttpRequest create(URI server, String ns, String name) {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name + "\"},"
        + "\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"" + ns + "\",\"name\":\"" + name + "\"},"
        + "\"reason\":\"Testing\",\"message\":\"event " + name + "\",\"type\":\"Normal\",\"count\":1,"
        + "\"firstTimestamp\":\"2026-01-01T00:00:00Z\",\"lastTimestamp\":\"2026-01-01T00:00:00Z\",\"source\":{\"component\":\"e2e\"}}";
    return HttpRequest.newBuilder(server.resolve("/api/v1/namespaces/" + ns + "/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  static HttpResponse<String> get(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(uri + ": " + e, e);
    }
  }

  static Set<String> names(JsonNode list) {
    Set<String> out = new HashSet<>();
    list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
    return out;
  }

  /** The names of a WatchList's initial events, read up to its initial-events-end bookmark. */
  static Set<String> watchListNames(HttpClient http, URI uri) {
    try {
      HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
      Set<String> out = new HashSet<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonNode e = JSON.readTree(line);
          if (e.path("type").asText().equals("BOOKMARK")) {
            assertThat(e.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText()).isEqualTo("true");
            return out;
          }
          assertThat(e.path("type").asText()).isEqualTo("ADDED");
          out.add(e.path("object").path("metadata").path("name").asText());
        }
      }
      throw new AssertionError(uri + ": the watch ended before its initial-events-end bookmark");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The types of a WatchList's events after its initial-events-end bookmark, up to the end of the stream. */
  static List<String> typesAfterInitialEvents(HttpClient http, URI uri) {
    try {
      HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
      List<String> out = new ArrayList<>();
      boolean initial = true;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonNode e = JSON.readTree(line);
          String type = e.path("type").asText();
          if (initial) {
            initial = !(type.equals("BOOKMARK")
                && e.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText().equals("true"));
          } else {
            out.add(type);
          }
        }
      }
      assertThat(initial).as("%s: an initial-events-end bookmark", uri).isFalse();
      return out;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void bulkCreate(HttpClient direct, URI server, String ns, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        fs.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count; ) {
            HttpResponse<String> r = direct.send(create(server, ns, "bulk-" + i), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 409) {
              throw new AssertionError(r.statusCode() + " " + r.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** kubectl's rows without the time-relative LAST SEEN column (each server's own "now"). */
  static Set<String> rows(String stdout) {
    Set<String> out = new HashSet<>();
    for (String line : stdout.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3 || f[0].equals("NAMESPACE")) {
        continue;
      }
      List<String> kept = new ArrayList<>(List.of(f));
      kept.remove(1);
      out.add(String.join(" ", kept));
    }
    return out;
  }

  /** The one child process running {@code executable} with {@code argument} among its arguments. */
  static long pid(Path executable, String argument) {
    List<ProcessHandle> matches = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> Path.of(c).equals(executable)).orElse(false))
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(argument)).orElse(false))
        .toList();
    assertThat(matches).as("processes of %s with %s", executable, argument).hasSize(1);
    return matches.getFirst().pid();
  }

  /** Creates an event in {@code ns} every {@code periodMs} straight to the apiserver until closed. */
  static final class Writer implements AutoCloseable {
    private final HttpClient http;
    private final URI server;
    private final String ns;
    private final long periodMs;
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;

    Writer(HttpClient http, URI server, String ns, long periodMs) {
      this.http = http;
      this.server = server;
      this.ns = ns;
      this.periodMs = periodMs;
    }

    void start() {
      thread = Thread.ofPlatform().daemon().name("events-writer-" + ns).start(() -> {
        for (int i = 0; !stop.get(); i++) {
          try {
            http.send(create(server, ns, "bg-" + System.nanoTime() + "-" + i), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(periodMs);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // a failed background write only makes the resource quieter
          }
        }
      });
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      if (thread != null) {
        thread.join(5_000);
      }
    }
  }

  /** CPU time of the apiserver and etcd processes, from {@code /proc/<pid>/stat} (utime + stime, in clock ticks). */
  record Cpu(long api, long etcd) {
    static final double TICKS = 100.0; // CLK_TCK on Linux/x86-64

    record Idle(double apiPerSecond, double etcdPerSecond) {}

    static long ticks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    Idle idle(Duration d) throws InterruptedException {
      long a = ticks(api);
      long e = ticks(etcd);
      Thread.sleep(d.toMillis());
      double s = d.toMillis() / 1000.0;
      return new Idle((ticks(api) - a) / TICKS / s, (ticks(etcd) - e) / TICKS / s);
    }

    /** Runs {@code run} {@code reps} times; per run: wall ms, the apiserver's and etcd's CPU-seconds less {@code idle}'s rate. */
    String measure(String label, int reps, Idle idle, ReadStats stats, Runnable run) {
      long a = ticks(api);
      long e = ticks(etcd);
      long cached = stats.listsFromCache.get();
      long upstream = stats.passedUpstream.get();
      long t = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        run.run();
      }
      double wall = (System.nanoTime() - t) / 1e9;
      double apiS = (ticks(api) - a) / TICKS - idle.apiPerSecond() * wall;
      double etcdS = (ticks(etcd) - e) / TICKS - idle.etcdPerSecond() * wall;
      return String.format(Locale.ROOT, "%-64s wall %6.0f ms  apiserver %.3f s  etcd %.3f s  (Breakwater: %d LISTs from cache, %d upstream)",
          label, wall * 1000 / reps, apiS / reps, etcdS / reps, stats.listsFromCache.get() - cached, stats.passedUpstream.get() - upstream);
    }
  }
}
