package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.ListWatchLoop;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.Proc;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.measure.UpstreamCounts;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Target;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S8, upstream restart under load (issue 16): 200 informers on one resource, through each arm,
 * while the apiserver is restarted twice (graceful stop, start on the same port; etcd keeps its
 * data) and a trickle of writes goes on. Each restart is measured until steady state: every
 * informer has seen a write made after the new apiserver was ready.
 *
 * <p>The informers are {@link ListWatchLoop}s, client-go's reflector loop with WatchListClient
 * off: a watch that simply ends is resumed from its RV, a 410 or an error relists. The resource is
 * {@code podtemplates} because nothing inside the apiserver lists or watches it (there is no
 * controller-manager), so the restarted apiserver's counters (they start at zero with the new
 * process) are the arm's requests alone. CPU and peak RSS are the new apiserver process's (+ etcd's
 * CPU) from its {@code /readyz} to steady state + 1 s, from /proc; the apiserver's own start-up
 * before {@code /readyz} is the same on both arms and is left out of the recovery figure (it is
 * reported on its own, as the process's CPU from its launch).
 */
public final class S8UpstreamRestart implements Scenario {

  static final String NS = "bench-s8";
  static final String RESOURCE = "podtemplates";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/" + RESOURCE;
  /** The writer's interval: 2 writes/s. */
  static final Duration WRITE_EVERY = Duration.ofMillis(500);
  static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
  /**
   * The writes' annotation values, unique over the whole run: a patch that set a value the object
   * already has would be a no-op answered with the object's old RV, which every informer has seen.
   */
  private static final java.util.concurrent.atomic.AtomicLong TICKS = new java.util.concurrent.atomic.AtomicLong();
  static final Duration STEADY_TIMEOUT = Duration.ofMinutes(5);

  static final Figure LISTS = new Figure("S8", "upstream-lists-per-restart",
      "upstream LIST requests of the resource after a restart (new apiserver's count, worst restart)", "",
      new Target.AtMost(1, ""));
  static final Figure WATCHES = new Figure("S8", "upstream-watches-per-restart",
      "upstream WATCH requests of the resource opened after a restart (worst restart)", "");
  static final Figure RELISTS = new Figure("S8", "downstream-relists-per-restart",
      "downstream relists (informer LISTs after the first sync), all informers, worst restart", "",
      new Target.AtMost(0, ""));
  static final Figure CPU = new Figure("S8", "recovery-cpu",
      "apiserver + etcd CPU from /readyz to steady state + 1 s (worst restart)", "CPU-s", new Target.RatioAtMost(0.1));
  static final Figure CPU_LAUNCH = new Figure("S8", "apiserver-cpu-since-launch",
      "new apiserver's CPU from its launch to steady state + 1 s, start-up included (worst restart)", "CPU-s");
  static final Figure RSS = new Figure("S8", "apiserver-peak-rss",
      "new apiserver's peak RSS from /readyz to steady state + 1 s (worst restart)", "MiB");
  static final Figure STEADY = new Figure("S8", "time-to-steady",
      "time from the new apiserver's /readyz until every informer saw a later write (worst restart)", "s");
  static final Figure OUTAGE = new Figure("S8", "restart-duration",
      "restart: graceful stop + start until /readyz (worst restart)", "s");

  @Override
  public String id() {
    return "S8";
  }

  @Override
  public String title() {
    return "upstream restart under load: 200 informers, the apiserver restarted twice";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    int informers = ctx.config().count(200, 4);
    int objects = ctx.config().count(200, 10);
    int restarts = ctx.config().smoke() ? 1 : 2;
    ctx.results().declare(LISTS, WATCHES, RELISTS, CPU, CPU_LAUNCH, RSS, STEADY, OUTAGE);
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    TestData.create(ctx.cluster().admin(), NS, RESOURCE, objects, i -> 1024, 8);
    ctx.results().note("S8", String.format("%d PodTemplates of ~1 KB (nothing inside the apiserver watches podtemplates); "
        + "%d informers (client-go's reflector loop, WatchListClient off: `LIST ?limit=500&resourceVersion=0` + `WATCH` "
        + "with bookmarks; a watch that ends is resumed from its RV, connection refused or 429 backs off and re-watches, "
        + "a 410, an `ERROR` event, another error status or a watch shorter than 1 s without events relists; back-off "
        + "800 ms doubling to 30 s + jitter) sync; then the apiserver is restarted %d× (SIGTERM, start on the same port, "
        + "etcd keeps its data) while a writer patches one object every %d ms straight to the apiserver. Steady state: "
        + "every informer has seen an RV ≥ the first write the new apiserver accepted after /readyz. Upstream counts "
        + "are the new apiserver's (its counters start at zero), for `podtemplates`, read at steady state + 1 s. "
        + "CPU: kube-apiserver + etcd from /readyz to steady state + 1 s (/proc). Each figure is the worse of the "
        + "restarts; every restart's are in bench.log. A fresh Breakwater per arm run.",
        objects, informers, restarts, WRITE_EVERY.toMillis()));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, false)) {
          runArm(ctx, arm, repeat, informers, objects, restarts);
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, RESOURCE);
    }
  }

  /** One accepted write: when its request was sent and the RV it got. */
  record Write(long sentNanos, long rv) {}

  /** One restart's figures. */
  record Restart(long lists, long watches, long relists, double cpu, double cpuSinceLaunch, double peakRssMiB,
      double steadySeconds, double restartSeconds) {}

  void runArm(BenchContext ctx, Arm arm, int repeat, int n, int objects, int restarts) throws Exception {
    try (ArmHandle h = ctx.open(arm, "s8")) {
      List<ListWatchLoop> loops = new ArrayList<>();
      ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
      Thread writer = null;
      try {
        for (int i = 0; i < n; i++) {
          ListWatchLoop l = new ListWatchLoop(h.endpoint(), COLLECTION);
          loops.add(l);
          l.start();
        }
        for (ListWatchLoop l : loops) {
          if (!l.awaitSynced(STEADY_TIMEOUT)) {
            throw new IOException("an informer did not sync within " + STEADY_TIMEOUT);
          }
        }
        long firstLists = loops.stream().mapToLong(ListWatchLoop::lists).sum();
        ctx.log().info("S8 %s #%d: %d informers synced (%d LISTs)", arm, repeat, n, firstLists);
        writer = Thread.ofVirtual().name("s8-writer").start(() -> write(ctx, objects, writes));
        BenchContext.sleep(Duration.ofSeconds(ctx.config().smoke() ? 1 : 2));
        List<Restart> rs = new ArrayList<>();
        for (int k = 1; k <= restarts; k++) {
          rs.add(restart(ctx, h, arm, repeat, k, loops, writes));
        }
        var r = ctx.results();
        r.put(LISTS, arm, repeat, rs.stream().mapToLong(Restart::lists).max().orElseThrow());
        r.put(WATCHES, arm, repeat, rs.stream().mapToLong(Restart::watches).max().orElseThrow());
        r.put(RELISTS, arm, repeat, rs.stream().mapToLong(Restart::relists).max().orElseThrow());
        r.put(CPU, arm, repeat, rs.stream().mapToDouble(Restart::cpu).max().orElseThrow());
        r.put(CPU_LAUNCH, arm, repeat, rs.stream().mapToDouble(Restart::cpuSinceLaunch).max().orElseThrow());
        r.put(RSS, arm, repeat, rs.stream().mapToDouble(Restart::peakRssMiB).max().orElseThrow());
        r.put(STEADY, arm, repeat, rs.stream().mapToDouble(Restart::steadySeconds).max().orElseThrow());
        r.put(OUTAGE, arm, repeat, rs.stream().mapToDouble(Restart::restartSeconds).max().orElseThrow());
      } finally {
        if (writer != null) {
          writer.interrupt();
          writer.join(5_000);
        }
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
          loops.forEach(l -> ex.submit(l::close));
        }
      }
    }
  }

  private Restart restart(BenchContext ctx, ArmHandle h, Arm arm, int repeat, int k, List<ListWatchLoop> loops,
      ConcurrentLinkedQueue<Write> writes) throws IOException, InterruptedException {
    long relistsBefore = loops.stream().mapToLong(ListWatchLoop::relists).sum();
    long writesBefore = writes.size();
    long t0 = System.nanoTime();
    Duration stop = ctx.cluster().restartApiServerGracefully();
    long ready = System.nanoTime();
    long apiPid = ctx.cluster().apiServerPid();
    long etcdPid = ctx.cluster().etcdPid();
    long apiCpu0 = Proc.cpuTicks(apiPid);
    long etcdCpu0 = Proc.cpuTicks(etcdPid);
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("kube-apiserver", apiPid);
    pids.put("etcd", etcdPid);
    h.breakwaterPid().ifPresent(p -> pids.put("breakwater", p));
    ResourceSampler sampler = ResourceSampler.begin(pids, Duration.ofMillis(100));
    ResourceTrace trace;
    long steady;
    long target;
    try {
      long deadline = ready + STEADY_TIMEOUT.toNanos();
      Write first = null;
      while (first == null) {
        first = writes.stream().filter(w -> w.sentNanos() > ready).findFirst().orElse(null);
        if (first == null) {
          if (System.nanoTime() > deadline) {
            throw new IOException("no write was accepted within " + STEADY_TIMEOUT + " of the restart");
          }
          Thread.sleep(20);
        }
      }
      target = first.rv();
      while (loops.stream().anyMatch(l -> l.seenRv() < target)) {
        if (System.nanoTime() > deadline) {
          long behind = loops.stream().filter(l -> l.seenRv() < target).count();
          throw new IOException(behind + " of " + loops.size() + " informers had not seen RV " + target + " within "
              + STEADY_TIMEOUT + " of the restart");
        }
        Thread.sleep(20);
      }
      steady = System.nanoTime();
      BenchContext.sleep(Duration.ofSeconds(1));
    } finally {
      trace = sampler.end();
    }
    ctx.results().rss("s8-rss.png", "S8: RSS of each serving process from the new apiserver's /readyz to steady state + 1 s "
        + "(first restart)", arm, trace);
    double cpu = Proc.cpuSeconds(Proc.cpuTicks(apiPid) - apiCpu0) + Proc.cpuSeconds(Proc.cpuTicks(etcdPid) - etcdCpu0);
    double sinceLaunch = Proc.cpuSeconds(Proc.cpuTicks(apiPid));
    UpstreamCounts up = UpstreamCounts.scrape(ctx.cluster().admin(), RESOURCE);
    long relists = loops.stream().mapToLong(ListWatchLoop::relists).sum() - relistsBefore;
    Restart r = new Restart(up.lists(), up.watchesOpened(), relists, cpu, sinceLaunch,
        trace.peakRss("kube-apiserver") / 1048576.0, (steady - ready) / 1e9, (ready - t0) / 1e9);
    ctx.log().info("S8 %s #%d restart %d: stop %.1f s, start to /readyz %.1f s; %d writes accepted meanwhile", arm, repeat,
        k, stop.toNanos() / 1e9, (ready - t0 - stop.toNanos()) / 1e9, writes.size() - writesBefore);
    ctx.log().info("S8 %s #%d restart %d: restart %.1f s, steady %.1f s after /readyz (write RV %d); upstream LIST %d "
        + "WATCH %d; downstream relists %d; apiserver+etcd CPU %.2f s (apiserver since launch %.2f s), apiserver peak RSS "
        + "%.0f MiB", arm, repeat, k, r.restartSeconds(), r.steadySeconds(), target, r.lists(), r.watches(), r.relists(),
        r.cpu(), r.cpuSinceLaunch(), r.peakRssMiB());
    return r;
  }

  /** Patches the objects in turn every {@link #WRITE_EVERY}, straight to the apiserver; failures (it is down) are skipped. */
  private static void write(BenchContext ctx, int objects, ConcurrentLinkedQueue<Write> writes) {
    long next = System.nanoTime();
    for (long i = 0; !Thread.currentThread().isInterrupted(); i++) {
      long sent = System.nanoTime();
      try {
        var admin = ctx.cluster().admin();
        // A short timeout: a write stuck in a stopping apiserver must not hold up the trickle.
        HttpResponse<String> r = admin.http().send(admin.request(COLLECTION + "/" + TestData.name((int) (i % objects)))
            .header("Content-Type", "application/merge-patch+json").timeout(Duration.ofSeconds(5))
            .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"annotations\":{\"bench/tick\":\"" + TICKS.incrementAndGet() + "\"}}}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = RV.matcher(r.body());
        if (r.statusCode() == 200 && m.find()) {
          writes.add(new Write(sent, Long.parseLong(m.group(1))));
        }
      } catch (IOException e) {
        // the apiserver is down or shutting down: the next tick tries again
      } catch (InterruptedException e) {
        return;
      }
      next += WRITE_EVERY.toNanos();
      long sleep = next - System.nanoTime();
      try {
        if (sleep > 0) {
          Thread.sleep(Duration.ofNanos(sleep));
        } else {
          next = System.nanoTime();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
