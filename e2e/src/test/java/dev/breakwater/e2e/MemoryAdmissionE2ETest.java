package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Fixture;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Memory-aware admission (issue 16, item 5) in a JVM with a fixed heap: Breakwater runs in its own
 * process with {@code -Xmx128m} (the cache holds ~21 MB of ConfigMap JSON; the rest is the JVM's own
 * and the margin) and the budgets' defaults derived from it (a quarter of the heap for bytes held
 * for clients, 256 KiB per watcher), with {@code -XX:+ExitOnOutOfMemoryError}, so any
 * OutOfMemoryError ends the process. Against it, at once:
 * <ul>
 *   <li>1000 slow watchers (raw sockets with a small receive buffer, reading 1 KB/s) watching the
 *       namespace from an RV;
 *   <li>10 clients sending unpaginated LISTs of the whole namespace in a loop and reading them
 *       slowly (16 KiB every 50 ms, at most 4 s each);
 *   <li>3 fast watchers measuring each write's delivery delay;
 *   <li>a writer updating one 10 KB ConfigMap every 200 ms (each write is an event for every watcher).
 * </ul>
 * Asserted: the process is alive and healthy (no OutOfMemoryError); some LISTs were refused with the
 * apiserver's overload answer (APF's {@code http.Error}: 429, {@code Retry-After: 1}, text/plain,
 * {@code Too many requests, please try again later.}) and exactly those were counted in
 * {@code breakwater_admission_rejected_total}; slow watchers were closed and counted in
 * {@code breakwater_terminated_watchers_total}; every fast watcher got every write, within 2 s
 * (a correctness bound, not a speed target); once the slow clients are gone, LISTs are served again.
 *
 * <p>Sizes are system properties (defaults in brackets): {@code admission.slowWatchers} [1000],
 * {@code admission.objects} [2000], {@code admission.xmx} [128m], {@code admission.seconds} [40];
 * {@code admission.extraArgs} adds serve flags (control runs).
 */
@ExtendWith(ClusterExtension.class)
@org.junit.jupiter.api.Tag("slow") // ./breakwater test -Pfull (README, "Tests")
class MemoryAdmissionE2ETest {

  static final String NS = "admission";
  static final int OBJECTS = Integer.getInteger("admission.objects", 2000);
  static final int VALUE_BYTES = 10_000;
  static final int SLOW_WATCHERS = Integer.getInteger("admission.slowWatchers", 1000);
  static final int FAST_WATCHERS = 3;
  static final int LISTERS = 10;
  static final String XMX = System.getProperty("admission.xmx", "128m");
  static final long LOAD_SECONDS = Long.getLong("admission.seconds", 40);
  static final String TOO_MANY = "Too many requests, please try again later.\n";

  /** One LIST attempt's outcome. */
  record Answer(int code, String retryAfter, String contentType, String body) {}

  @Test
  void slowClientsAndLargeListsDoNotExhaustAFixedHeap(LocalCluster cluster, KubernetesClient k) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    String value = "x".repeat(VALUE_BYTES);
    long t0 = System.nanoTime();
    try (ExecutorService load = Executors.newFixedThreadPool(8)) {
      IntStream.range(0, OBJECTS).forEach(i -> load.submit(() -> k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(String.format("cm-%05d", i)).endMetadata().addToData("v", value).build()).serverSideApply()));
    }
    long tObjects = System.nanoTime();
    int port = freePort();
    int adminPort = freePort();
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + XMX, "-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
        "-XX:+ExitOnOutOfMemoryError", "-jar", Fixture.repo().resolve("proxy/target/breakwater.jar").toString(), "serve",
        "--cache-resources", "configmaps", "--cache-warm", "configmaps", "--kubeconfig", cluster.kubeconfig().toString(),
        "--listen", "127.0.0.1:" + port, "--admin-listen", "127.0.0.1:" + adminPort)
        .redirectErrorStream(true);
    // A control run with other budgets (e.g. -Dadmission.extraArgs="--max-inflight-bytes=0 --max-watch-queue-bytes=2Mi",
    // the old 1 MiB per sink and no global budget): not part of the suite, for the figures.
    String extra = System.getProperty("admission.extraArgs", "").trim();
    if (!extra.isEmpty()) {
      pb.command().addAll(List.of(extra.split("\\s+")));
    }
    Process bw = pb.start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bw.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(output::add);
      } catch (java.io.IOException e) {
        // exited
      }
    });
    String base = "http://127.0.0.1:" + port + "/api/v1/namespaces/" + NS + "/configmaps";
    String admin = "http://127.0.0.1:" + adminPort;
    List<Socket> slowSockets = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    try (HttpClient http = RawHttp.plain()) {
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> metric(http, admin,
          "breakwater_cache_objects\\{resource=\"configmaps\"\\}") >= OBJECTS);
      long tSynced = System.nanoTime();
      String rv = k.configMaps().inNamespace(NS).list(new ListOptionsBuilder().withLimit(1L).build()).getMetadata().getResourceVersion();
      String watchPath = "/api/v1/namespaces/" + NS + "/configmaps?watch=1&resourceVersion=" + rv;

      // Slow watchers: 1 KB/s each, small receive window.
      AtomicInteger slowStarted = new AtomicInteger();
      AtomicInteger slowEndedClean = new AtomicInteger();
      AtomicInteger slowEndedReset = new AtomicInteger();
      AtomicInteger slowStillOpen = new AtomicInteger();
      AtomicBoolean readUp = new AtomicBoolean();
      List<Thread> slow = new ArrayList<>();
      for (int i = 0; i < SLOW_WATCHERS; i++) {
        slow.add(Thread.ofVirtual().start(() -> slowWatcher(port, watchPath, slowSockets, slowStarted, slowEndedClean, slowEndedReset,
            slowStillOpen, readUp)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> slowStarted.get() == SLOW_WATCHERS);
      await().atMost(Duration.ofSeconds(10)).until(() -> metric(http, admin,
          "breakwater_cache_watchers\\{resource=\"configmaps\"\\}") >= SLOW_WATCHERS);

      // Fast watchers: every write's delivery delay (the writer puts its nanoTime in the object).
      AtomicLong maxDelayNanos = new AtomicLong();
      List<AtomicInteger> fastReceived = new ArrayList<>();
      List<Thread> fast = new ArrayList<>();
      for (int i = 0; i < FAST_WATCHERS; i++) {
        AtomicInteger received = new AtomicInteger();
        fastReceived.add(received);
        HttpResponse<java.util.stream.Stream<String>> w = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + watchPath)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(w.statusCode()).isEqualTo(200);
        fast.add(Thread.ofVirtual().start(() -> {
          Pattern sent = Pattern.compile("\"sent\":\"(\\d+)\"");
          try (var lines = w.body()) {
            lines.forEach(line -> {
              Matcher m = sent.matcher(line);
              if (m.find()) {
                maxDelayNanos.accumulateAndGet(System.nanoTime() - Long.parseLong(m.group(1)), Math::max);
                received.incrementAndGet();
              }
            });
          } catch (RuntimeException e) {
            // closed at the end of the test
          }
        }));
      }

      // Ten clients sending unpaginated LISTs in a loop, read slowly.
      ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
      List<Thread> listers = new ArrayList<>();
      for (int i = 0; i < LISTERS; i++) {
        listers.add(Thread.ofVirtual().start(() -> {
          while (running.get()) {
            try {
              answers.add(slowList(http, base + "?resourceVersion=0"));
            } catch (Exception e) {
              answers.add(new Answer(-1, null, null, e.toString()));
            }
          }
        }));
      }

      // The writer: one 10 KB ConfigMap every 200 ms, each an event for every watcher.
      AtomicInteger writes = new AtomicInteger();
      AtomicLong maxHeap = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
      int n = 0;
      while (System.nanoTime() < end) {
        k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(String.format("cm-%05d", n % OBJECTS))
            .endMetadata().addToData("v", value).addToData("sent", Long.toString(System.nanoTime())).build()).serverSideApply();
        writes.incrementAndGet();
        n++;
        if (n % 10 == 0) {
          assertThat(bw.isAlive()).as("Breakwater still running after %d writes: %s", n, tail(output)).isTrue();
          maxHeap.accumulateAndGet((long) metric(http, admin, "jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]*\"\\}"), Math::max);
        }
        Thread.sleep(200);
      }
      long tLoaded = System.nanoTime();
      running.set(false);
      for (Thread t : listers) {
        t.join(Duration.ofSeconds(15));
      }
      // The slow clients now read what they were sent, at full speed: each closed watcher's client finds its end.
      readUp.set(true);
      for (Thread t : slow) {
        t.join(Duration.ofSeconds(30));
      }
      // Every fast watcher gets every write.
      await().atMost(Duration.ofSeconds(10)).until(() -> fastReceived.stream().allMatch(r -> r.get() >= writes.get()));

      List<Answer> all = List.copyOf(answers);
      List<Answer> refused = all.stream().filter(a -> a.code() == 429).toList();
      long served = all.stream().filter(a -> a.code() == 200).count();
      double rejectedMetric = metric(http, admin, "breakwater_admission_rejected_total\\{resource=\"configmaps\",verb=\"list\"\\}");
      double terminatedMetric = metric(http, admin, "breakwater_terminated_watchers_total\\{resource=\"configmaps\"\\}");
      System.out.printf("admission e2e: %d slow watchers, %d writes, LISTs: %d served, %d refused (429), %d other; "
              + "metric rejected=%.0f terminated=%.0f; slow watchers ended: %d clean, %d reset; fast max delay %d ms; "
              + "%d still open; max heap used %d MiB of %s; times: load %d s, sync %d s, run %d s, read-up %d s%n",
          SLOW_WATCHERS, writes.get(), served, refused.size(), all.size() - served - refused.size(), rejectedMetric,
          terminatedMetric, slowEndedClean.get(), slowEndedReset.get(), maxDelayNanos.get() / 1_000_000, slowStillOpen.get(),
          maxHeap.get() >> 20, XMX, TimeUnit.NANOSECONDS.toSeconds(tObjects - t0), TimeUnit.NANOSECONDS.toSeconds(tSynced - tObjects),
          TimeUnit.NANOSECONDS.toSeconds(tLoaded - tSynced), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - tLoaded));

      assertThat(bw.isAlive()).as("Breakwater still running: " + tail(output)).isTrue();
      assertThat(output).noneMatch(l -> l.contains("OutOfMemoryError"));
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(admin + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok");

      assertThat(refused).as("LISTs refused while the slow clients held the budget").isNotEmpty();
      assertThat(refused).allSatisfy(a -> {
        assertThat(a.body()).isEqualTo(TOO_MANY);
        assertThat(a.retryAfter()).isEqualTo("1");
        assertThat(a.contentType()).isEqualTo("text/plain; charset=utf-8");
      });
      assertThat(rejectedMetric).as("every 429 counted").isEqualTo(refused.size());
      assertThat(served).as("LISTs admitted while there was room").isPositive();
      assertThat(all).as("only 200s and 429s").allMatch(a -> a.code() == 200 || a.code() == 429);

      assertThat(terminatedMetric).as("slow watchers closed as unresponsive").isPositive();
      assertThat((double) slowEndedClean.get() + slowEndedReset.get()).as("every closed watcher's client saw its watch end")
          .isEqualTo(terminatedMetric);
      assertThat(maxDelayNanos.get()).as("fast watchers' delivery delay").isLessThan(TimeUnit.SECONDS.toNanos(2));

      // The slow clients gone, their bytes are released and large LISTs are served again.
      running.set(false);
      slowSockets.forEach(MemoryAdmissionE2ETest::closeQuietly);
      await().atMost(Duration.ofSeconds(20)).until(() -> slowList(http, base + "?resourceVersion=0").code() == 200);
      assertThat(bw.isAlive()).isTrue();
      fast.forEach(Thread::interrupt);
    } finally {
      running.set(false);
      slowSockets.forEach(MemoryAdmissionE2ETest::closeQuietly);
      bw.destroy();
      bw.waitFor(20, TimeUnit.SECONDS);
      // No namespace controller runs in the fixture: delete the objects themselves so other tests' caches stay small.
      k.configMaps().inNamespace(NS).delete();
    }
  }

  static final String APF_NS = "admission-apf";
  static final String APF_SA = "apf-probe";

  /**
   * The 429 is the apiserver's own overload answer, compared with the real one. The apiserver is made to refuse a
   * request in its priority-and-fairness filter: a priority level with no seats (nominalConcurrencyShares 0, no
   * borrowing, limitResponse Reject) for one ServiceAccount, whose one unpaginated LIST, left unread, holds the only
   * request the level lets execute; the same identity's next LIST is rejected. Breakwater is made to refuse a LIST
   * for memory: {@code --max-inflight-bytes=1} and one unpaginated LIST left unread holding bytes. Compared: status,
   * body, Content-Type, X-Content-Type-Options, Retry-After, Cache-Control, and that both carry an Audit-Id. Not
   * sent by Breakwater: APF's {@code X-Kubernetes-PF-FlowSchema-UID} / {@code -PriorityLevel-UID} (the UIDs of
   * the cluster's flow-control objects).
   */
  @Test
  void theOverload429IsTheApiserversOwn(LocalCluster cluster, KubernetesClient k) throws Exception {
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(APF_NS).endMetadata().build()).serverSideApply();
    String value = "x".repeat(VALUE_BYTES);
    try (ExecutorService load = Executors.newFixedThreadPool(8)) {
      IntStream.range(0, 300).forEach(i -> load.submit(() -> k.configMaps().inNamespace(APF_NS).resource(new ConfigMapBuilder()
          .withNewMetadata().withName(String.format("cm-%05d", i)).endMetadata().addToData("v", value).build()).serverSideApply()));
    }
    k.serviceAccounts().inNamespace(APF_NS).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata()
        .withName(APF_SA).endMetadata().build()).serverSideApply();
    k.rbac().roles().inNamespace(APF_NS).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder().withNewMetadata()
        .withName("reader").endMetadata().addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list", "watch")
        .endRule().build()).serverSideApply();
    dev.breakwater.e2e.support.Rbac.bind(k, APF_NS, "reader", "ServiceAccount", APF_SA);
    String token = k.serviceAccounts().inNamespace(APF_NS).withName(APF_SA).tokenRequest(
        new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
            .endSpec().build()).getStatus().getToken();
    String apf = """
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: PriorityLevelConfiguration
        metadata: {name: breakwater-e2e-reject}
        spec:
          type: Limited
          limited:
            nominalConcurrencyShares: 0
            lendablePercent: 0
            borrowingLimitPercent: 0
            limitResponse: {type: Reject}
        ---
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: FlowSchema
        metadata: {name: breakwater-e2e-reject}
        spec:
          priorityLevelConfiguration: {name: breakwater-e2e-reject}
          matchingPrecedence: 100
          distinguisherMethod: {type: ByUser}
          rules:
          - subjects: [{kind: ServiceAccount, serviceAccount: {name: %s, namespace: %s}}]
            resourceRules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"]}]
        """.formatted(APF_SA, APF_NS);
    var objects = k.load(new java.io.ByteArrayInputStream(apf.getBytes(StandardCharsets.UTF_8))).items();
    objects.forEach(o -> k.resource(o).fieldManager("breakwater-e2e").forceConflicts().serverSideApply());
    javax.net.ssl.SSLContext caOnly = trustOnly(cluster.workDir().resolve("pki/ca.crt"));
    String listPath = "/api/v1/namespaces/" + APF_NS + "/configmaps";
    List<Socket> holders = new ArrayList<>();
    try (HttpClient direct = HttpClient.newBuilder().sslContext(caOnly).version(HttpClient.Version.HTTP_1_1).build();
         HttpClient plain = RawHttp.plain();
         dev.breakwater.e2e.support.Breakwater bw = dev.breakwater.e2e.support.Breakwater.start(
             dev.breakwater.e2e.support.Breakwater.config(cluster.kubeconfig(), java.util.Optional.empty()).withCacheReads(true)
                 .withCachePolicy(new dev.breakwater.config.CachePolicy(java.util.Set.of("configmaps"), java.util.Set.of(),
                     java.util.Set.of("configmaps"), Duration.ofMinutes(10)))
                 .withMemory(new dev.breakwater.config.MemoryBudget(1, 0)))) {
      // The apiserver: one unread LIST as the ServiceAccount holds the level's only execution; the next is refused.
      HttpResponse<String> upstream429 = await().atMost(Duration.ofSeconds(60)).until(() -> {
        holders.add(holdList(caOnly.getSocketFactory().createSocket(), cluster.server().getPort(), listPath + "?limit=0",
            "Authorization: Bearer " + token + "\r\n"));
        Thread.sleep(500);
        return direct.send(HttpRequest.newBuilder(URI.create(cluster.server() + listPath)).header("Authorization", "Bearer " + token)
            .build(), HttpResponse.BodyHandlers.ofString());
      }, r -> r.statusCode() == 429);
      // Breakwater: one unread LIST holds bytes over --max-inflight-bytes=1; the next unpaginated LIST is refused.
      String bwBase = "http://127.0.0.1:" + bw.port();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> plain.send(HttpRequest.newBuilder(
          URI.create(bwBase + listPath + "/cm-00299?resourceVersion=0")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      holders.add(holdList(new Socket(), bw.port(), listPath + "?resourceVersion=0", ""));
      HttpResponse<String> ours = await().atMost(Duration.ofSeconds(20)).until(() -> plain.send(HttpRequest.newBuilder(
          URI.create(bwBase + listPath + "?resourceVersion=0")).build(), HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 429);

      System.out.println("apiserver 429 head: " + upstream429.headers().map() + "\nbreakwater 429 head: " + ours.headers().map());
      assertThat(ours.statusCode()).isEqualTo(upstream429.statusCode()).isEqualTo(429);
      assertThat(ours.body()).isEqualTo(upstream429.body()).isEqualTo(TOO_MANY);
      for (String h : List.of("Content-Type", "X-Content-Type-Options", "Retry-After", "Cache-Control")) {
        assertThat(ours.headers().allValues(h)).as(h).isEqualTo(upstream429.headers().allValues(h)).isNotEmpty();
      }
      assertThat(ours.headers().firstValue("Audit-Id")).isPresent();
      assertThat(upstream429.headers().firstValue("Audit-Id")).isPresent();
      assertThat(upstream429.headers().firstValue("X-Kubernetes-PF-FlowSchema-UID")).isPresent();
      assertThat(bw.server().streamsInFlight()).isNotNegative();
    } finally {
      holders.forEach(MemoryAdmissionE2ETest::closeQuietly);
      objects.forEach(o -> k.resource(o).delete());
      k.configMaps().inNamespace(APF_NS).delete();
    }
  }

  /** Sends a GET on {@code socket} (small receive window) and reads only the status line: the response stays in flight. */
  static Socket holdList(Socket socket, int port, String path, String extraHeaders) throws java.io.IOException {
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n" + extraHeaders + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** An SSL context that trusts {@code caFile} and presents no client certificate. */
  static javax.net.ssl.SSLContext trustOnly(java.nio.file.Path caFile) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(caFile)) {
      ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** A raw HTTP/1.1 watch that reads 1 KB per second; counts how its stream ended. */
  static void slowWatcher(int port, String path, List<Socket> sockets, AtomicInteger started, AtomicInteger endedClean,
      AtomicInteger endedReset, AtomicInteger stillOpen, AtomicBoolean readUp) {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      sockets.add(s);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      int first = in.read(buf);
      started.incrementAndGet();
      if (first <= 0 || !new String(buf, 0, Math.min(first, 12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
        return; // not admitted: the assertion on breakwater_cache_watchers below catches it
      }
      String tail = "";
      byte[] big = new byte[64 * 1024];
      while (true) {
        int n;
        byte[] into = buf;
        if (!readUp.get()) {
          Thread.sleep(1000);
          n = in.read(buf);
        } else {
          into = big;
          s.setSoTimeout(3000);
          try {
            n = in.read(big);
          } catch (java.net.SocketTimeoutException e) {
            stillOpen.incrementAndGet(); // read up, and the watch goes on
            return;
          }
        }
        if (n < 0) {
          endedReset.incrementAndGet(); // closed without the end of the chunked body
          return;
        }
        int from = Math.max(0, n - 7);
        tail = (tail + new String(into, from, n - from, StandardCharsets.US_ASCII));
        tail = tail.substring(Math.max(0, tail.length() - 7));
        if (tail.endsWith("\r\n0\r\n\r\n")) {
          endedClean.incrementAndGet(); // the watch ended as the apiserver ends one
          return;
        }
      }
    } catch (java.io.IOException e) {
      endedReset.incrementAndGet(); // reset
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An unpaginated LIST read slowly (16 KiB every 50 ms, at most 4 s, then the connection is dropped). */
  static Answer slowList(HttpClient http, String url) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Thread.sleep(200);
        return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
            r.headers().firstValue("Content-Type").orElse(null), body);
      }
      byte[] buf = new byte[16 * 1024];
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      while (System.nanoTime() < until && in.readNBytes(buf, 0, buf.length) > 0) {
        Thread.sleep(50);
      }
      return new Answer(200, null, null, "");
    }
  }

  /** The sum of the samples of a Prometheus metric whose name and labels match {@code seriesRegex}. */
  static double metric(HttpClient http, String admin, String seriesRegex) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Pattern p = Pattern.compile("^" + seriesRegex + " ([0-9.eE+-]+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(text);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (java.io.IOException e) {
      // gone
    }
  }

  static String tail(List<String> output) {
    return String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()));
  }
}
