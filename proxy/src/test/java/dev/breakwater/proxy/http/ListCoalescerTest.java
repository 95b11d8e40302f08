package dev.breakwater.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coalescer between a front server and a fake upstream in this JVM: how many upstream
 * requests identical LISTs cost, what each client receives, and what happens on failures.
 * (The real apiserver's side is in the e2e suite.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListCoalescerTest {

  Vertx vertx;
  Upstream upstream;
  ListCoalescer coalescer;
  int frontPort;
  HttpClient client;
  /** Upstream requests as received (uri + selected headers). */
  final ConcurrentLinkedQueue<HttpServerRequest> upstreamRequests = new ConcurrentLinkedQueue<>();
  /** Whether the front server marks requests consistent. */
  volatile boolean consistent;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.shutdownNow(); // not close(): a failed test's unread responses would block it forever
    if (upstream != null) {
      upstream.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Starts the fake upstream with {@code handler} and a front server that sends every request to the coalescer. */
  void start(Consumer<HttpServerRequest> handler) {
    start(handler, false);
  }

  /** As {@link #start(Consumer)}; {@code delegated}: the coalescer forwards each client's own credentials. */
  void start(Consumer<HttpServerRequest> handler, boolean delegated) {
    HttpServer up = vertx.createHttpServer().requestHandler(req -> {
      upstreamRequests.add(req);
      handler.accept(req);
    }).listen(0, "127.0.0.1").await();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + up.actualPort()).withOauthToken("t0ken").build();
    upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
    coalescer = new ListCoalescer(vertx, upstream, delegated);
    HttpServer front = vertx.createHttpServer().requestHandler(req -> coalescer.handle(req, System.nanoTime(), consistent))
        .listen(0, "127.0.0.1").await();
    frontPort = front.actualPort();
  }

  CompletableFuture<HttpResponse<byte[]>> get(String pathAndQuery, String accept, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + pathAndQuery));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static void awaitCount(AtomicInteger n, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (n.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(n.get()).isGreaterThanOrEqualTo(atLeast);
  }

  @Test
  void identicalListsWaitingForTheHeadShareOneUpstreamRequest() throws Exception {
    AtomicReference<HttpServerRequest> held = new AtomicReference<>();
    start(held::set); // hold the answer until all clients have joined
    consistent = false;
    List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(get("/api/v1/configmaps?resourceVersion=0", "application/json"));
    }
    AtomicInteger joined = new AtomicInteger();
    // Wait until the one upstream request is in, then a little for the other seven to attach.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    joined.set(upstreamRequests.size());
    HttpServerRequest up = held.get();
    assertThat(up.getHeader("Authorization")).isEqualTo("Bearer t0ken");
    vertx.runOnContext(v -> {
      up.response().putHeader("Content-Type", "application/json").putHeader("Audit-Id", "a-1").setChunked(true);
      up.response().write("{\"kind\":\"ConfigMapList\",");
      up.response().end("\"items\":[]}");
    });
    for (var a : answers) {
      HttpResponse<byte[]> r = a.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new String(r.body())).isEqualTo("{\"kind\":\"ConfigMapList\",\"items\":[]}");
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(r.headers().firstValue("Audit-Id")).hasValue("a-1");
    }
    assertThat(joined.get()).as("upstream requests for 8 identical LISTs").isEqualTo(1);
    assertThat(coalescer.flightsInProgress()).isZero();
  }

  /**
   * {@code --auth=delegated}: flights are per identity and go upstream as that identity — each
   * token its own upstream request carrying that token (never Breakwater's), each impersonated
   * user its own, identical requests of one identity still share one.
   */
  @Test
  void delegatedFlightsArePerIdentityAndCarryIt() throws Exception {
    List<HttpServerRequest> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    start(held::add, true);
    consistent = false;
    String path = "/api/v1/configmaps?resourceVersion=0";
    var alice1 = get(path, "application/yaml", "Authorization", "Bearer alice");
    var alice2 = get(path, "application/yaml", "Authorization", "Bearer alice");
    var bob = get(path, "application/yaml", "Authorization", "Bearer bob");
    var cert = get(path, "application/yaml", "Impersonate-User", "carol");
    var cert2 = get(path, "application/yaml", "Impersonate-User", "dave");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300); // the second alice request attaches (or, wrongly, sends a fifth)
    assertThat(held).hasSize(4);
    List<String> seen = new ArrayList<>();
    for (HttpServerRequest r : held) {
      seen.add(r.getHeader("Authorization") + "|" + r.getHeader("Impersonate-User"));
    }
    assertThat(seen).containsExactlyInAnyOrder("Bearer alice|null", "Bearer bob|null", "Bearer t0ken|carol", "Bearer t0ken|dave");
    vertx.runOnContext(v -> held.forEach(r -> {
      String who = r.getHeader("Impersonate-User") != null ? r.getHeader("Impersonate-User") : r.getHeader("Authorization");
      r.response().setStatusCode(who.equals("Bearer bob") ? 403 : 200).end("for " + who);
    }));
    assertThat(new String(alice1.get(10, TimeUnit.SECONDS).body())).isEqualTo("for Bearer alice");
    assertThat(new String(alice2.get(10, TimeUnit.SECONDS).body())).isEqualTo("for Bearer alice");
    HttpResponse<byte[]> b = bob.get(10, TimeUnit.SECONDS);
    assertThat(b.statusCode()).isEqualTo(403);
    assertThat(new String(b.body())).isEqualTo("for Bearer bob");
    assertThat(new String(cert.get(10, TimeUnit.SECONDS).body())).isEqualTo("for carol");
    assertThat(new String(cert2.get(10, TimeUnit.SECONDS).body())).isEqualTo("for dave");
  }

  @Test
  void withAuthNoneEveryFlightUsesBreakwatersCredentials() throws Exception {
    start(req -> req.response().end(String.valueOf(req.getHeader("Authorization"))));
    consistent = false;
    var a = get("/api/v1/configmaps?resourceVersion=0", "application/json", "Authorization", "Bearer alice");
    assertThat(new String(a.get(10, TimeUnit.SECONDS).body())).isEqualTo("Bearer t0ken");
  }

  @Test
  void differentQueriesOrAcceptGoSeparately() throws Exception {
    start(req -> req.response().end(req.uri() + " " + req.getHeader("Accept")));
    consistent = false;
    var a = get("/api/v1/configmaps?resourceVersion=0", "application/json");
    var b = get("/api/v1/configmaps?resourceVersion=0&limit=1", "application/json");
    var c = get("/api/v1/configmaps?resourceVersion=0", "application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(new String(a.get().body())).isEqualTo("/api/v1/configmaps?resourceVersion=0 application/json");
    assertThat(new String(b.get().body())).isEqualTo("/api/v1/configmaps?resourceVersion=0&limit=1 application/json");
    assertThat(new String(c.get().body())).isEqualTo("/api/v1/configmaps?resourceVersion=0 application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(upstreamRequests).hasSize(3);
  }

  @Test
  void aConsistentReadNeverJoinsAnUpstreamRequestSentBeforeItArrived() throws Exception {
    List<HttpServerRequest> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    start(held::add);
    consistent = true;
    var first = get("/api/v1/configmaps", null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // Arrives after the first one's upstream request was sent: it must get its own.
    var second = get("/api/v1/configmaps", null);
    while (held.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(held).hasSize(2);
    vertx.runOnContext(v -> held.forEach(r -> r.response().end("state")));
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aConsistentReadJoinsAFlightCreatedAfterItArrived() throws Exception {
    AtomicReference<HttpServerRequest> held = new AtomicReference<>();
    start(held::set);
    // Direct use: two requests that "arrived" before the flight is created (as after a freshness wait).
    long arrival = System.nanoTime();
    List<Boolean> joined = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer front = vertx.createHttpServer().requestHandler(req -> joined.add(coalescer.handle(req, arrival, true)))
        .listen(0, "127.0.0.1").await();
    frontPort = front.actualPort();
    var a = get("/api/v1/configmaps", null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    var b = get("/api/v1/configmaps", null);
    while (joined.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    vertx.runOnContext(v -> held.get().response().end("fresh"));
    assertThat(new String(a.get(10, TimeUnit.SECONDS).body())).isEqualTo("fresh");
    assertThat(new String(b.get(10, TimeUnit.SECONDS).body())).isEqualTo("fresh");
    assertThat(joined).containsExactly(false, true);
    assertThat(upstreamRequests).hasSize(1);
  }

  @Test
  void aRequestArrivingAfterTheHeadStartsItsOwn() throws Exception {
    AtomicInteger n = new AtomicInteger();
    Promise<Void> release = Promise.promise();
    start(req -> {
      int i = n.incrementAndGet();
      req.response().setChunked(true).write("part-" + i + ";");
      release.future().onComplete(v -> req.response().end("end"));
    });
    consistent = false;
    var first = get("/api/v1/configmaps?resourceVersion=0", null);
    awaitCount(n, 1);
    Thread.sleep(200); // the head has been relayed
    var second = get("/api/v1/configmaps?resourceVersion=0", null);
    awaitCount(n, 2);
    vertx.runOnContext(v -> release.complete());
    assertThat(new String(first.get(10, TimeUnit.SECONDS).body())).isEqualTo("part-1;end");
    assertThat(new String(second.get(10, TimeUnit.SECONDS).body())).isEqualTo("part-2;end");
  }

  @Test
  void aLargeBodyReachesEveryMemberWholeWithASlowReaderAmongThem() throws Exception {
    byte[] block = new byte[64 * 1024];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) ('a' + i % 26);
    }
    int blocks = 256; // 16 MB
    AtomicReference<HttpServerRequest> held = new AtomicReference<>();
    start(held::set);
    consistent = false;
    // One slow reader (raw socket, reads late) and two normal ones.
    java.net.Socket slow = new java.net.Socket("127.0.0.1", frontPort);
    slow.getOutputStream().write("GET /api/v1/secrets?resourceVersion=0 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n".getBytes());
    var fast1 = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + "/api/v1/secrets?resourceVersion=0"))
        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
    var fast2 = client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + "/api/v1/secrets?resourceVersion=0"))
        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    AtomicInteger written = new AtomicInteger();
    vertx.runOnContext(v -> {
      var resp = held.get().response().putHeader("Content-Length", String.valueOf((long) block.length * blocks));
      pump(resp, Buffer.buffer(block), blocks, written);
    });
    // While nobody reads the slow socket, the upstream is held back: not all 16 MB get written.
    Thread.sleep(1500);
    assertThat(written.get()).as("blocks written upstream while one member does not read").isLessThan(blocks);
    CompletableFuture<Long> f1 = fast1.thenApplyAsync(r -> drain(r.body()));
    CompletableFuture<Long> f2 = fast2.thenApplyAsync(r -> drain(r.body()));
    long slowBytes = readHttpBody(slow.getInputStream());
    assertThat(slowBytes).isEqualTo((long) block.length * blocks);
    assertThat(f1.get(20, TimeUnit.SECONDS)).isEqualTo((long) block.length * blocks);
    assertThat(f2.get(20, TimeUnit.SECONDS)).isEqualTo((long) block.length * blocks);
    assertThat(upstreamRequests).hasSize(1);
    slow.close();
  }

  @Test
  void aMemberLeavingDoesNotStopTheOthersAndUpstreamFailureResetsAll() throws Exception {
    AtomicReference<HttpServerRequest> held = new AtomicReference<>();
    start(held::set);
    consistent = false;
    java.net.Socket leaver = new java.net.Socket("127.0.0.1", frontPort);
    leaver.getOutputStream().write("GET /api/v1/pods?resourceVersion=0 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
    var stays = get("/api/v1/pods?resourceVersion=0", null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    leaver.close();
    Thread.sleep(200);
    vertx.runOnContext(v -> held.get().response().end("still here"));
    assertThat(new String(stays.get(10, TimeUnit.SECONDS).body())).isEqualTo("still here");

    // Upstream dies mid-body: both members see a broken response, not a short complete one.
    held.set(null);
    var a = get("/api/v1/pods?resourceVersion=1", null);
    var b = get("/api/v1/pods?resourceVersion=1", null);
    while (held.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    vertx.runOnContext(v -> {
      held.get().response().putHeader("Content-Length", "1000").write("{\"partial\"");
      vertx.setTimer(200, t -> held.get().connection().close());
    });
    assertThatThrownBy(() -> a.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
  }

  @Test
  void anUnreachableUpstreamGivesEveryMemberTheStatus() throws Exception {
    start(req -> { });
    upstream.close();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port).build();
    upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
    coalescer = new ListCoalescer(vertx, upstream);
    consistent = false;
    var a = get("/api/v1/pods?resourceVersion=0", null);
    var b = get("/api/v1/pods?resourceVersion=0", null);
    for (var r : List.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS))) {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new String(r.body())).contains("\"reason\":\"ServiceUnavailable\"");
    }
  }

  static void pump(io.vertx.core.http.HttpServerResponse resp, Buffer block, int left, AtomicInteger written) {
    while (written.get() < left && !resp.writeQueueFull()) {
      resp.write(block);
      written.incrementAndGet();
    }
    if (written.get() == left) {
      resp.end();
    } else {
      resp.drainHandler(v -> pump(resp, block, left, written));
    }
  }

  static long drain(InputStream in) {
    try (in) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads a Content-Length framed response from a raw socket and returns the body length. */
  static long readHttpBody(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("eof in head");
      }
      head.append((char) c);
    }
    long length = -1;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    long read = 0;
    byte[] buf = new byte[65536];
    while (read < length) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, length - read));
      if (n < 0) {
        break;
      }
      read += n;
    }
    return read;
  }
}
