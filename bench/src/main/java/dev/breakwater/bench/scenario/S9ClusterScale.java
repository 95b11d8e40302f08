package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.ClusterData;
import dev.breakwater.bench.client.ListSummary;
import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.env.Endpoint;
import dev.breakwater.bench.measure.JvmHeap;
import dev.breakwater.bench.measure.Latency;
import dev.breakwater.bench.measure.PromText;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Format;
import dev.breakwater.bench.report.Results;
import dev.breakwater.bench.report.Target;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * S9, a cluster-sized population (issue 13): 100 000 ConfigMaps of 1 KB and 20 000 real Pods of
 * ~4–5 KB (spec as a Deployment's ReplicaSet writes it, Running status written through the status
 * subresource as a kubelet writes it), spread over ten namespaces, created once per run (in
 * parallel, straight to the apiserver) and shared by every arm: each arm gets a freshly restarted
 * apiserver on the same etcd.
 *
 * <p>Per arm: for Breakwater, the time from the first reads (one {@code RV=0&limit=1} LIST of
 * pods and one of configmaps, which start both caches) until {@code breakwater_cache_objects}
 * holds every pod and ConfigMap, CPU of all serving processes meanwhile, and live heap after a
 * full GC against the JSON size of what is cached (S7's method). Then, in every arm, {@link #ROUNDS}
 * unpaginated LISTs of all pods ({@code GET /api/v1/pods}, RV unset: a consistent read, one at a
 * time) and {@link #ROUNDS} runs of the fixture's {@code kubectl get pods -A} (pages of 500, Tables)
 * with a kubeconfig for the arm, each after one warm-up: p50, CPU-seconds per request of every
 * serving process and each one's peak RSS during the phase.
 *
 * <p>The data is deleted at the end unless S9 is the run's last scenario (the cluster is then
 * thrown away, and deleting 120 000 objects takes minutes).
 */
public final class S9ClusterScale implements Scenario {

  static final String NS = "bench-s9";
  static final int NAMESPACES = 10;
  static final int CONFIGMAP_BYTES = 1024;
  static final int WRITERS = 24;
  static final int ROUNDS = 5;
  static final String ALL_PODS = "/api/v1/pods";
  static final String ALL_CONFIGMAPS = "/api/v1/configmaps";

  static final String ID = "S9";
  static final Figure SYNC = new Figure(ID, "sync-time", "time to synced pods + configmaps caches (from the first reads)", "s");
  static final Figure SYNC_CPU = new Figure(ID, "sync-cpu", "CPU while syncing, all serving processes", "CPU-s");
  static final Figure SYNC_CPU_BW = new Figure(ID, "sync-cpu-breakwater", "breakwater CPU while syncing", "CPU-s");
  static final Figure SYNC_RSS_BW = new Figure(ID, "sync-peak-rss-breakwater", "breakwater peak RSS while syncing", "MiB");
  static final Figure RATIO = new Figure(ID, "heap-per-json", "heap held by the caches / JSON size of the cached objects", "×",
      new Target.AtMost(1.3, "×"));
  static final Figure HEAP = new Figure(ID, "heap", "heap held by the caches (live, after full GC)", "MB");
  static final Figure JSON = new Figure(ID, "json", "JSON size of the cached pods + configmaps", "MB");
  static final Figure PER_OBJECT = new Figure(ID, "heap-per-object", "heap per cached object", "bytes");
  static final Figure RSS_SYNCED = new Figure(ID, "rss-synced", "breakwater RSS once synced (after the full GC)", "MiB");

  /** One measured phase's figures: p50, CPU per request of each process, peak RSS of each. */
  record Phase(String key, String what, Figure p50, Figure bytes, Figure cpuTotal, Figure cpuApi, Figure cpuEtcd, Figure cpuProxy,
      Figure rssApi, Figure rssEtcd, Figure rssProxy) {

    static Phase of(String key, String what, String bytesLabel) {
      return new Phase(key, what, new Figure(ID, key + "-p50", what + " p50", "s"),
          new Figure(ID, key + "-size", bytesLabel, "MB"),
          new Figure(ID, key + "-cpu", what + ": CPU per request, all serving processes", "CPU-s"),
          new Figure(ID, key + "-cpu-apiserver", what + ": kube-apiserver CPU per request", "CPU-s"),
          new Figure(ID, key + "-cpu-etcd", what + ": etcd CPU per request", "CPU-s"),
          new Figure(ID, key + "-cpu-proxy", what + ": breakwater / kubectl proxy CPU per request", "CPU-s"),
          new Figure(ID, key + "-peak-rss-apiserver", what + ": kube-apiserver peak RSS", "MiB"),
          new Figure(ID, key + "-peak-rss-etcd", what + ": etcd peak RSS", "MiB"),
          new Figure(ID, key + "-peak-rss-proxy", what + ": breakwater / kubectl proxy peak RSS", "MiB"));
    }

    void record(Results r, Arm arm, int repeat, Histogram latency, long bytes, int requests, ResourceTrace t) {
      r.put(p50, arm, repeat, Latency.percentileMs(latency, 50) / 1000);
      r.put(this.bytes, arm, repeat, bytes / 1e6);
      r.put(cpuTotal, arm, repeat, t.totalCpuSeconds() / requests);
      r.put(cpuApi, arm, repeat, t.cpuSeconds("kube-apiserver") / requests);
      r.put(cpuEtcd, arm, repeat, t.cpuSeconds("etcd") / requests);
      r.put(rssApi, arm, repeat, t.peakRss("kube-apiserver") / 1048576.0);
      r.put(rssEtcd, arm, repeat, t.peakRss("etcd") / 1048576.0);
      for (String proxy : List.of("breakwater", "kubectl-proxy")) {
        if (t.has(proxy)) {
          r.put(cpuProxy, arm, repeat, t.cpuSeconds(proxy) / requests);
          r.put(rssProxy, arm, repeat, t.peakRss(proxy) / 1048576.0);
        }
      }
    }
  }

  static final Phase LIST = Phase.of("list", "unpaginated LIST of all pods", "bytes per LIST");
  static final Phase KUBECTL = Phase.of("kubectl", "kubectl get pods -A", "bytes of kubectl's output");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String title() {
    return "cluster scale: 100 000 ConfigMaps + 20 000 Pods — cache sync, heap, LIST and kubectl get pods -A";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    boolean smoke = ctx.config().smoke();
    int configMaps = smoke ? 200 : ctx.config().count(100_000, 20);
    int pods = smoke ? 40 : ctx.config().count(20_000, 10);
    int namespaces = smoke ? 2 : NAMESPACES;
    Endpoint admin = ctx.cluster().admin();
    for (int n = 0; n < namespaces; n++) {
      TestData.ensureNamespace(admin, ClusterData.namespace(NS, n, namespaces));
    }
    Results r = ctx.results();
    r.declare(SYNC, SYNC_CPU, SYNC_CPU_BW, SYNC_RSS_BW, RATIO, HEAP, JSON, PER_OBJECT, RSS_SYNCED);
    try {
      long t0 = System.nanoTime();
      ClusterData.parallel(configMaps, WRITERS, i -> () -> ClusterData.createConfigMap(admin,
          ClusterData.namespace(NS, i, namespaces), TestData.name(i), CONFIGMAP_BYTES, i));
      double cmSeconds = (System.nanoTime() - t0) / 1e9;
      ctx.log().info("S9: created %d ConfigMaps of ~1 KB in %.1f s (%.0f/s)", configMaps, cmSeconds, configMaps / cmSeconds);
      long t1 = System.nanoTime();
      ClusterData.parallel(pods, WRITERS, i -> () -> ClusterData.createPod(admin, ClusterData.namespace(NS, i, namespaces), i));
      double podSeconds = (System.nanoTime() - t1) / 1e9;
      ctx.log().info("S9: created %d Pods + their status in %.1f s (%.0f pods/s)", pods, podSeconds, pods / podSeconds);

      // Everything the two caches will hold (all namespaces), item by item, as the apiserver encodes it.
      ListSummary allPods = Lists.untilOk(admin, ALL_PODS + "?resourceVersion=0", Duration.ofMinutes(2));
      ListSummary allCms = Lists.untilOk(admin, ALL_CONFIGMAPS + "?resourceVersion=0", Duration.ofMinutes(2));
      r.note(ID, String.format(Locale.ROOT, "%d ConfigMaps of ~1 KB (random base64) and %d Pods in %d namespaces `%s-NN`, "
          + "%d writers in flight (JSON, HTTP/1.1, one connection each): ConfigMaps in %.0f s (%.0f/s), Pods in %.0f s (%.0f/s; "
          + "a create, then a merge patch of `status` through the status subresource). Pods: one container (env, a readiness probe, "
          + "resources, mounts), the projected service-account volume, a ReplicaSet owner reference, a node name, Running "
          + "status with five conditions, IPs and a container status; %s of JSON, %s per pod (managedFields included). "
          + "ConfigMaps: %s, %s each. No kubelet or controller runs: nothing changes them afterwards.",
          configMaps, pods, namespaces, NS, WRITERS, cmSeconds, configMaps / cmSeconds, podSeconds, pods / podSeconds,
          Format.bytes(allPods.itemBytes()), Format.bytes(allPods.itemBytes() / Math.max(1, allPods.items())),
          Format.bytes(allCms.itemBytes()), Format.bytes(allCms.itemBytes() / Math.max(1, allCms.items()))));
      r.note(ID, String.format(Locale.ROOT, "Per arm and repeat: a freshly restarted kube-apiserver on the same etcd (its "
          + "watch cache initialized before the arm starts), a fresh Breakwater/kubectl proxy. Breakwater: `GET %s?resourceVersion=0&limit=1` and "
          + "`GET %s?resourceVersion=0&limit=1` sent at once start both caches; *time to synced* runs until "
          + "`breakwater_cache_objects` counts all %d pods and %d ConfigMaps (all namespaces; polled every 100 ms); heap is "
          + "the live heap (`jcmd GC.class_histogram` after its full GC) then minus before the first reads. Every arm: %d "
          + "unpaginated `GET %s` (RV unset: a consistent read; one at a time, JSON, bodies counted and dropped) and %d "
          + "`kubectl get pods -A` (the fixture's kubectl %s; pages of 500, Table Accept; its own discovery cache, "
          + "warm), each phase after one warm-up request. CPU is per request (phase's CPU ÷ requests) from /proc; peak RSS "
          + "is each process's highest sample (every 100 ms) during the phase.",
          ALL_PODS, ALL_CONFIGMAPS, allPods.items(), allCms.items(), ROUNDS, ALL_PODS, ROUNDS,
          ctx.cluster().binaries().kubectl()));
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, true)) {
          runArm(ctx, arm, repeat, allPods, allCms);
        }
      }
    } finally {
      List<String> ids = ctx.config().scenarios();
      if (!ids.getLast().equals(ID)) {
        for (int n = 0; n < namespaces; n++) {
          String ns = ClusterData.namespace(NS, n, namespaces);
          ClusterData.deleteAll(admin, ns, "pods");
          ClusterData.deleteAll(admin, ns, "configmaps");
        }
      }
    }
  }

  void runArm(BenchContext ctx, Arm arm, int repeat, ListSummary allPods, ListSummary allCms) throws Exception {
    ctx.freshApiServer();
    // A restarted apiserver answers 429 until its watch cache of each resource is initialized.
    Lists.untilOk(ctx.cluster().admin(), ALL_PODS + "?resourceVersion=0&limit=1", Duration.ofMinutes(5));
    Lists.untilOk(ctx.cluster().admin(), ALL_CONFIGMAPS + "?resourceVersion=0&limit=1", Duration.ofMinutes(5));
    try (ArmHandle h = ctx.open(arm, "s9")) {
      if (h.breakwaterPid().isPresent()) {
        sync(ctx, h, repeat, allPods, allCms);
      }
      listPhase(ctx, h, repeat, allPods.items());
      kubectlPhase(ctx, h, repeat, allPods.items());
    }
  }

  void sync(BenchContext ctx, ArmHandle h, int repeat, ListSummary allPods, ListSummary allCms) throws Exception {
    long pid = h.breakwaterPid().orElseThrow();
    long heap0 = JvmHeap.liveBytes(pid);
    ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
    long t0 = System.nanoTime();
    double syncSeconds;
    double cachedPods;
    double cachedCms;
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> first = new ArrayList<>();
      for (String coll : List.of(ALL_PODS, ALL_CONFIGMAPS)) {
        first.add(ex.submit(() -> h.endpoint().http().send(h.endpoint().request(coll + "?resourceVersion=0&limit=1")
            .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
      while (true) {
        PromText m = JvmHeap.metrics(h.admin().orElseThrow());
        cachedPods = m.sum("breakwater_cache_objects", s -> s.label("resource").equals("pods"));
        cachedCms = m.sum("breakwater_cache_objects", s -> s.label("resource").equals("configmaps"));
        if (cachedPods >= allPods.items() && cachedCms >= allCms.items()) {
          syncSeconds = (System.nanoTime() - t0) / 1e9;
          break;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IOException("caches not synced after 15 minutes: " + cachedPods + " of " + allPods.items() + " pods, "
              + cachedCms + " of " + allCms.items() + " ConfigMaps");
        }
        Thread.sleep(100);
      }
      for (Future<Integer> f : first) {
        int status = f.get();
        if (status != 200) {
          ctx.log().info("S9 breakwater #%d: a first read answered %d", repeat, status);
        }
      }
    }
    ResourceTrace trace = sampler.end();
    long heap1 = JvmHeap.liveBytes(pid);
    long rss1 = dev.breakwater.bench.measure.Proc.rssBytes(pid);
    long held = heap1 - heap0;
    long json = allPods.itemBytes() + allCms.itemBytes();
    int objects = allPods.items() + allCms.items();
    Results r = ctx.results();
    Arm arm = h.arm();
    r.put(SYNC, arm, repeat, syncSeconds);
    r.put(SYNC_CPU, arm, repeat, trace.totalCpuSeconds());
    r.put(SYNC_CPU_BW, arm, repeat, trace.cpuSeconds("breakwater"));
    r.put(SYNC_RSS_BW, arm, repeat, trace.peakRss("breakwater") / 1048576.0);
    r.put(RATIO, arm, repeat, held / (double) json);
    r.put(HEAP, arm, repeat, held / 1e6);
    r.put(JSON, arm, repeat, json / 1e6);
    r.put(PER_OBJECT, arm, repeat, held / (double) objects);
    r.put(RSS_SYNCED, arm, repeat, rss1 / 1048576.0);
    r.rss("s9-rss-sync.png", "S9: RSS of each serving process while Breakwater's pods and configmaps caches sync (first repeat)",
        arm, trace);
    ctx.log().info("S9 %s #%d: synced %.0f pods + %.0f ConfigMaps in %.1f s (CPU %.1f s, breakwater %.1f s); heap +%s for %s "
        + "of JSON = %.3f×", arm, repeat, cachedPods, cachedCms, syncSeconds, trace.totalCpuSeconds(), trace.cpuSeconds("breakwater"),
        Format.bytes(held), Format.bytes(json), held / (double) json);
  }

  void listPhase(BenchContext ctx, ArmHandle h, int repeat, int podCount) throws Exception {
    Duration timeout = Duration.ofMinutes(5);
    Lists.countedUntilOk(h.endpoint(), ALL_PODS, dev.breakwater.bench.client.Representation.JSON, "PodList", Duration.ofMinutes(2));
    Histogram latency = Latency.histogram();
    long bytes = 0;
    ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
    for (int i = 0; i < ROUNDS; i++) {
      Lists.Counted c = Lists.counted(h.endpoint(), ALL_PODS, dev.breakwater.bench.client.Representation.JSON, "PodList", timeout);
      Latency.recordNanos(latency, c.nanos());
      bytes = c.bytes();
    }
    ResourceTrace trace = sampler.end();
    LIST.record(ctx.results(), h.arm(), repeat, latency, bytes, ROUNDS, trace);
    ctx.results().rss("s9-rss-list.png", "S9: RSS of each serving process during the unpaginated LISTs of all pods (first repeat)",
        h.arm(), trace);
    ctx.log().info("S9 %s #%d: LIST of %d pods: %s, p50 %.2f s, CPU %.2f s per LIST", h.arm(), repeat, podCount, Format.bytes(bytes),
        Latency.percentileMs(latency, 50) / 1000, trace.totalCpuSeconds() / ROUNDS);
  }

  void kubectlPhase(BenchContext ctx, ArmHandle h, int repeat, int podCount) throws Exception {
    Path dir = ctx.config().out().resolve("logs").resolve("s9-kubectl-" + h.arm().label() + "-" + repeat);
    Files.createDirectories(dir);
    Path kubeconfig = kubeconfig(ctx, h, dir);
    Path kubectl = ctx.cluster().binaries().kubectl();
    // The warm-up also fills kubectl's discovery cache, so the measured runs send only the pages.
    kubectl(kubectl, kubeconfig, dir, podCount);
    Histogram latency = Latency.histogram();
    long bytes = 0;
    ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
    for (int i = 0; i < ROUNDS; i++) {
      long t0 = System.nanoTime();
      bytes = kubectl(kubectl, kubeconfig, dir, podCount);
      Latency.recordNanos(latency, System.nanoTime() - t0);
    }
    ResourceTrace trace = sampler.end();
    KUBECTL.record(ctx.results(), h.arm(), repeat, latency, bytes, ROUNDS, trace);
    ctx.results().rss("s9-rss-kubectl.png", "S9: RSS of each serving process during `kubectl get pods -A` (first repeat)", h.arm(),
        trace);
    ctx.log().info("S9 %s #%d: kubectl get pods -A: %s of output, p50 %.2f s, serving CPU %.2f s per run", h.arm(), repeat,
        Format.bytes(bytes), Latency.percentileMs(latency, 50) / 1000, trace.totalCpuSeconds() / ROUNDS);
  }

  /** The fixture's kubeconfig for direct; a plain one naming the arm's listener otherwise (Breakwater and kubectl proxy add credentials). */
  static Path kubeconfig(BenchContext ctx, ArmHandle h, Path dir) throws IOException {
    if (h.arm() == Arm.DIRECT) {
      return ctx.cluster().kubeconfig();
    }
    Path k = dir.resolve("kubeconfig");
    Files.writeString(k, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: arm
          cluster:
            server: %s
        users:
        - name: none
          user: {}
        contexts:
        - name: arm
          context:
            cluster: arm
            user: none
        current-context: arm
        """.formatted(h.endpoint().base().toString().replaceAll("/$", "")));
    return k;
  }

  /**
   * Runs {@code kubectl get pods -A} and returns the bytes it printed. Throws unless it exits 0
   * and prints a header plus one line per pod.
   */
  static long kubectl(Path kubectl, Path kubeconfig, Path dir, int podCount) throws IOException, InterruptedException {
    Path err = dir.resolve("kubectl.stderr");
    Process p = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "--cache-dir",
        dir.resolve("cache").toString(), "get", "pods", "-A").redirectError(err.toFile()).start();
    long bytes = 0;
    long lines = 0;
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("kubectl get pods -A did not finish in 10 minutes");
    }
    if (p.exitValue() != 0 || lines != podCount + 1) {
      throw new IOException("kubectl get pods -A exited " + p.exitValue() + " with " + lines + " lines (expected " + (podCount + 1)
          + "): " + Files.readString(err).lines().limit(5).toList());
    }
    return bytes;
  }
}
