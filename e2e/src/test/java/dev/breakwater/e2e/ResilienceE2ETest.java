package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Etcd;
import dev.breakwater.e2e.support.EventGapChecker;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16, upstream faults: the event-gap checker ({@link EventGapChecker}) through Breakwater with no fault,
 * across two upstream restarts, and across restarts with etcd compacted while the apiserver is down and again
 * once it is back. Every watcher must see every event of its selection exactly once, in RV order, end in the
 * upstream's state — and never be answered 410: Breakwater keeps its history across the relist a restart
 * forces on it, so watchers resuming from an RV before the relist are served from it.
 *
 * <p>Uses its own cluster (it restarts the apiserver); each scenario has its own namespace and its own
 * Breakwater (a fresh cache). Sizes: {@code -Dbreakwater.gap.watchers=200 -Dbreakwater.gap.writes=3000}.
 */
class ResilienceE2ETest {

  private static final Logger LOG = LoggerFactory.getLogger(ResilienceE2ETest.class);

  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = Clusters.startPrivate(LocalCluster.builder());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Breakwater breakwater() {
    return Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
  }

  private EventGapChecker.Report run(String namespace, EventGapChecker.Options options, java.util.function.IntConsumer fault)
      throws Exception {
    try (Breakwater bw = breakwater();
         EventGapChecker checker = new EventGapChecker(cluster, bw.url(), namespace, options)) {
      checker.startWatchers();
      checker.startWriter(fault);
      checker.awaitWriter(Duration.ofMinutes(5));
      EventGapChecker.Report report = checker.report(Duration.ofSeconds(45));
      LOG.info("event-gap checker, {}: {}", namespace, report);
      System.out.println("event-gap checker, " + namespace + ": " + report);
      return report;
    }
  }

  @Test
  void noFault() throws Exception {
    EventGapChecker.Report r = run("gap-clean", EventGapChecker.Options.defaults(), i -> {});
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  @Test
  void acrossTwoUpstreamRestarts() throws Exception {
    EventGapChecker.Report r = run("gap-restarts", EventGapChecker.Options.defaults().withFaults(2), i -> restart());
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  @Test
  void acrossRestartsWithEtcdCompactions() throws Exception {
    EventGapChecker.Report r = run("gap-compaction", EventGapChecker.Options.defaults().withFaults(2), i -> {
      try {
        cluster.stopApiServer();
        Etcd.compactNow(cluster);
        cluster.startApiServer();
        Etcd.compactNow(cluster);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  @Test
  void compactionTriggerCompactsEtcd() throws Exception {
    long rev = Etcd.compactNow(cluster);
    // An Exact LIST below the compacted revision on the etcd path (events are not watch-cached) is gone.
    try (var http = RawHttp.direct(cluster)) {
      int code = http.send(java.net.http.HttpRequest.newBuilder(cluster.server().resolve(
              "/api/v1/events?resourceVersion=" + (rev - 1) + "&resourceVersionMatch=Exact&limit=1")).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      assertThat(code).isEqualTo(410);
    }
    assertThat(Etcd.currentRevision(cluster)).isGreaterThanOrEqualTo(rev);
  }

  static void restart() {
    try {
      cluster.stopApiServer();
      cluster.startApiServer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitUp() {
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.apiServerRunning());
  }
}
