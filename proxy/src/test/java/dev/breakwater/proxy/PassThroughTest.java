package dev.breakwater.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.config.HostPort;
import dev.breakwater.config.ServeConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BreakwaterServer + PassThroughHandler + UpgradeTunnel against fake upstreams in this JVM: a Vert.x HTTP
 * server where decoded requests are enough, a Vert.x NetServer writing raw bytes where framing matters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PassThroughTest {

  static final String TOKEN = "s3cr3t-token";
  static final int WAIT_S = 10;

  @TempDir Path dir;
  Vertx fake;
  BreakwaterServer breakwater;
  HttpClient client;

  @BeforeEach
  void setUp() {
    fake = Vertx.vertx();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(WAIT_S)).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (breakwater != null) {
      breakwater.stop();
    }
    client.close();
    fake.close().await(10, TimeUnit.SECONDS);
  }

  // ---- fixtures ----

  private void startBreakwater(int upstreamPort) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: http://127.0.0.1:%d
        users:
        - name: fake
          user:
            token: %s
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake
        current-context: fake
        """.formatted(upstreamPort, TOKEN));
    ServeConfig config = new ServeConfig(kubeconfig, Optional.empty(), new HostPort("127.0.0.1", 0), Optional.empty(),
        Optional.empty(), Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(config.validate()).isEmpty();
    breakwater = BreakwaterServer.start(config);
  }

  private int httpUpstream(Consumer<HttpServerRequest> handler) {
    HttpServer server = fake.createHttpServer().requestHandler(handler::accept).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  /** A raw upstream: once a request head arrived, {@code onHead} gets it (as text) and the socket. */
  private int rawUpstream(BiConsumer<String, NetSocket> onHead) {
    NetServer server = fake.createNetServer().connectHandler(socket -> {
      Buffer received = Buffer.buffer();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        String s = received.toString(StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        if (end >= 0) {
          socket.handler(null);
          onHead.accept(s.substring(0, end + 4), socket);
          if (s.length() > end + 4) {
            throw new AssertionError("unexpected bytes after the request head: " + s.substring(end + 4));
          }
        }
      });
    }).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", breakwater.port());
    s.setSoTimeout(WAIT_S * 1000);
    return s;
  }

  private static void send(Socket s, String text) throws Exception {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  private URI uri(String pathAndQuery) {
    return URI.create(breakwater.url() + pathAndQuery);
  }

  private static String headerValue(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  // ---- requests ----

  @Test
  void upstreamSeesBreakwaterCredentialsAndNoHopByHopFields() throws Exception {
    CompletableFuture<MultiMap> seen = new CompletableFuture<>();
    CompletableFuture<String> seenUri = new CompletableFuture<>();
    startBreakwater(httpUpstream(req -> {
      seen.complete(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
      seenUri.complete(req.uri());
      req.response().putHeader("Content-Type", "application/json").end("{\"kind\":\"NamespaceList\"}");
    }));
    try (Socket s = connect()) {
      send(s, "GET /api/v1/namespaces?limit=1&labelSelector=a%3Db HTTP/1.1\r\n"
          + "Host: breakwater.example\r\n"
          + "Authorization: Bearer the-clients-own-token\r\n"
          + "Connection: keep-alive, X-Hop\r\n"
          + "X-Hop: must-not-pass\r\n"
          + "Keep-Alive: timeout=5\r\n"
          + "TE: trailers\r\n"
          + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
          + "Proxy-Connection: keep-alive\r\n"
          + "Accept: application/json\r\n"
          + "User-Agent: kubectl/v1.36.3\r\n"
          + "Audit-Id: from-client\r\n"
          + "\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("{\"kind\":\"NamespaceList\"}");
      assertThat(r.complete()).isTrue();
    }
    MultiMap h = seen.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(seenUri.get()).isEqualTo("/api/v1/namespaces?limit=1&labelSelector=a%3Db");
    assertThat(h.getAll("Authorization")).containsExactly("Bearer " + TOKEN);
    assertThat(h.contains("X-Hop")).isFalse();
    assertThat(h.contains("Keep-Alive")).isFalse();
    assertThat(h.contains("TE")).isFalse();
    assertThat(h.contains("Proxy-Authorization")).isFalse();
    assertThat(h.contains("Proxy-Connection")).isFalse();
    assertThat(h.get("Connection")).satisfiesAnyOf(
        c -> assertThat(c).isNull(), c -> assertThat(c.toLowerCase()).doesNotContain("x-hop"));
    assertThat(h.get("Host")).isEqualTo("127.0.0.1:" + breakwater.upstream().port());
    assertThat(h.get("Accept")).isEqualTo("application/json");
    assertThat(h.get("User-Agent")).isEqualTo("kubectl/v1.36.3");
    assertThat(h.get("Audit-Id")).isEqualTo("from-client");
  }

  @Test
  void responseStatusHeadersAndBodyAreRelayedWithoutHopByHopFields() throws Exception {
    String body = "{\"kind\":\"Status\",\"code\":409}";
    startBreakwater(rawUpstream((head, socket) -> socket.write(
        "HTTP/1.1 409 Conflict\r\n"
            + "Audit-Id: 11111111-2222-3333-4444-555555555555\r\n"
            + "Connection: X-Resp-Hop\r\n"
            + "X-Resp-Hop: 1\r\n"
            + "Keep-Alive: timeout=30\r\n"
            + "Proxy-Authenticate: Basic\r\n"
            + "Warning: 299 - \"first\"\r\n"
            + "Warning: 299 - \"second\"\r\n"
            + "X-Kubernetes-Pf-Flowschema-Uid: fs\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body)));
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/api/v1/namespaces/default/configmaps"))
        .timeout(Duration.ofSeconds(WAIT_S)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.headers().firstValue("Audit-Id")).contains("11111111-2222-3333-4444-555555555555");
    assertThat(r.headers().allValues("Warning")).containsExactly("299 - \"first\"", "299 - \"second\"");
    assertThat(r.headers().firstValue("X-Kubernetes-Pf-Flowschema-Uid")).contains("fs");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.headers().firstValue("Content-Length")).contains(String.valueOf(body.length()));
    assertThat(r.headers().map().keySet()).map(String::toLowerCase)
        .doesNotContain("x-resp-hop", "keep-alive", "proxy-authenticate");
  }

  @Test
  void chunkedUploadIsStreamedAndArrivesIntact() throws Exception {
    int size = 6 * 1024 * 1024;
    byte[] payload = new byte[size];
    new Random(42).nextBytes(payload);
    CountDownLatch firstBytes = new CountDownLatch(1);
    CompletableFuture<String> upstreamTransferEncoding = new CompletableFuture<>();
    startBreakwater(httpUpstream(req -> {
      upstreamTransferEncoding.complete(String.valueOf(req.getHeader("Transfer-Encoding")));
      MessageDigest sha = sha256();
      long[] n = {0};
      req.handler(b -> {
        sha.update(b.getBytes());
        n[0] += b.length();
        firstBytes.countDown();
      });
      req.endHandler(v -> req.response().end(n[0] + " " + HexFormat.of().formatHex(sha.digest())));
    }));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      send(s, "PUT /api/v1/namespaces/default/configmaps/big HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
      int half = size / 2;
      writeChunk(out, payload, 0, half);
      // Streaming, not buffering: the upstream sees the first half before the client sent the rest.
      assertThat(firstBytes.await(WAIT_S, TimeUnit.SECONDS)).as("upstream saw bytes before the upload finished").isTrue();
      for (int off = half; off < size; off += 100_000) {
        writeChunk(out, payload, off, Math.min(100_000, size - off));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo(size + " " + HexFormat.of().formatHex(sha256().digest(payload)));
    }
    assertThat(upstreamTransferEncoding.get(WAIT_S, TimeUnit.SECONDS)).isEqualToIgnoringCase("chunked");
  }

  @Test
  void fixedLengthUploadKeepsItsContentLength() throws Exception {
    byte[] payload = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(payload);
    CompletableFuture<String> contentLength = new CompletableFuture<>();
    startBreakwater(httpUpstream(req -> {
      contentLength.complete(req.getHeader("Content-Length"));
      req.body().onSuccess(b -> req.response().end(HexFormat.of().formatHex(sha256().digest(b.getBytes()))));
    }));
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/api/v1/namespaces/default/secrets"))
        .timeout(Duration.ofSeconds(WAIT_S)).POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(HexFormat.of().formatHex(sha256().digest(payload)));
    assertThat(contentLength.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(String.valueOf(payload.length));
  }

  // ---- upstream failures ----

  @Test
  void refusedUpstreamIs503StatusJson() throws Exception {
    int closedPort;
    try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = ss.getLocalPort();
    }
    startBreakwater(closedPort);
    long start = System.nanoTime();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/api/v1/pods"))
        .timeout(Duration.ofSeconds(WAIT_S)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(WAIT_S));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body())
        .startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"error trying to reach upstream http://127.0.0.1:" + closedPort + ": ")
        .endsWith(",\"reason\":\"ServiceUnavailable\",\"code\":503}\n");
  }

  @Test
  void refusedUpstreamOnAnUpgradeIs503StatusJson() throws Exception {
    int closedPort;
    try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = ss.getLocalPort();
    }
    startBreakwater(closedPort);
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.bodyText()).contains("\"reason\":\"ServiceUnavailable\",\"code\":503}");
    }
  }

  @Test
  void upstreamDyingMidBodyWithContentLengthIsNotACleanResponse() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(500));
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo("1000");
      assertThat(r.complete()).as("a truncated body must not look complete").isFalse();
      assertThat(r.body().length).isLessThan(1000);
    }
  }

  @Test
  void upstreamDyingMidChunkedBodyIsNotACleanResponse() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "10\r\n{\"items\":[1,2,3,\r\n");
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.complete()).as("a truncated chunked body must not end with the last chunk").isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/pods?watch=1", "/api/v1/namespaces/default/pods?resourceVersion=5&watch=true",
      "/api/v1/watch/pods", "/apis/apps/v1/watch/deployments"})
  void watchEndsCleanlyWhenTheUpstreamDies(String path) throws Exception {
    String event = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}\n";
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.complete()).as("the watch ends with the last chunk").isTrue();
      assertThat(r.bodyText()).isEqualTo(event);
    }
  }

  // ---- upgrades ----

  @Test
  void upgradeGets101VerbatimAndAnEchoingTunnel() throws Exception {
    String upstream101 = "HTTP/1.1 101 Switching Protocols\r\n"
        + "Connection: Upgrade\r\n"
        + "Upgrade: SPDY/3.1\r\n"
        + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
        + "X-Custom:   spaced   value\r\n"
        + "date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
        + "\r\n";
    CompletableFuture<String> seenHead = new CompletableFuture<>();
    startBreakwater(rawUpstream((head, socket) -> {
      seenHead.complete(head);
      // The first tunnelled bytes travel in the same write as the head.
      socket.write(upstream101 + "hello");
      socket.handler(socket::write);
    }));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec?command=sh&stdin=true HTTP/1.1\r\n"
          + "Host: breakwater.example\r\n"
          + "Authorization: Bearer the-clients-own-token\r\n"
          + "Connection: Upgrade\r\n"
          + "Upgrade: SPDY/3.1\r\n"
          + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
          + "X-Stream-Protocol-Version: v3.channel.k8s.io\r\n"
          + "Keep-Alive: timeout=5\r\n"
          + "\r\n");
      InputStream in = s.getInputStream();
      byte[] head = RawHttp.readHead(in);
      assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo(upstream101);
      assertThat(new String(in.readNBytes(5), StandardCharsets.ISO_8859_1)).isEqualTo("hello");

      byte[] payload = new byte[256 * 1024];
      new Random(3).nextBytes(payload);
      CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
        try {
          return in.readNBytes(payload.length);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      s.getOutputStream().write(payload);
      s.getOutputStream().flush();
      assertThat(echoed.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(payload);
    }
    String head = seenHead.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(head).startsWith("POST /api/v1/namespaces/default/pods/p/exec?command=sh&stdin=true HTTP/1.1\r\n");
    assertThat(headerValue(head, "Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(head).doesNotContain("the-clients-own-token").doesNotContainIgnoringCase("keep-alive");
    assertThat(headerValue(head, "Connection")).isEqualTo("Upgrade");
    assertThat(headerValue(head, "Upgrade")).isEqualTo("SPDY/3.1");
    assertThat(headerValue(head, "Host")).isEqualTo("127.0.0.1:" + breakwater.upstream().port());
    assertThat(head).contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n", "X-Stream-Protocol-Version: v3.channel.k8s.io\r\n");
  }

  @Test
  void tunnelClosesTheClientWhenTheUpstreamCloses() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nbye");
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "GET /api/v1/namespaces/default/pods/p/attach HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n");
      InputStream in = s.getInputStream();
      RawHttp.readHead(in);
      assertThat(in.readAllBytes()).isEqualTo("bye".getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void non101AnswerWithContentLengthIsRelayedAsAnOrdinaryResponse() throws Exception {
    String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"pods \\\"p\\\" is forbidden\",\"reason\":\"Forbidden\",\"code\":403}\n";
    startBreakwater(rawUpstream((head, socket) -> socket.write("HTTP/1.1 403 Forbidden\r\n"
        + "Audit-Id: abc\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body)));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.reason()).isEqualTo("Forbidden");
      assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(body.length()));
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Audit-Id")).isEqualTo("abc");
      assertThat(r.complete()).isTrue();
      assertThat(r.bodyText()).isEqualTo(body);
    }
  }

  @Test
  void non101ChunkedAnswerIsDecodedAndRelayed() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> socket.write("HTTP/1.1 400 Bad Request\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\n{\"a\":\r\n3;ext=1\r\n42}\r\n0\r\nX-Trailer: t\r\n\r\n")));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/portforward HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.complete()).isTrue();
      assertThat(r.bodyText()).isEqualTo("{\"a\":42}");
    }
  }

  @Test
  void non101AnswerReadUntilCloseIsRelayedComplete() throws Exception {
    String body = "{\"kind\":\"Status\",\"code\":403}";
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + body);
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.complete()).as("the upstream closing ends a read-until-close body cleanly").isTrue();
      assertThat(r.bodyText()).isEqualTo(body);
    }
  }

  @Test
  void non101ChunkedAnswerCutShortIsNotACleanResponse() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> {
      socket.write("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\n{\"a\":\r\n");
      socket.close();
    }));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.complete()).as("a truncated chunked body must not end with the last chunk").isFalse();
    }
  }

  @Test
  void malformedUpstreamAnswerToAnUpgradeIs502() throws Exception {
    startBreakwater(rawUpstream((head, socket) -> socket.write("SSH-2.0-OpenSSH_9.6\r\n\r\n")));
    try (Socket s = connect()) {
      send(s, "POST /api/v1/namespaces/default/pods/p/exec HTTP/1.1\r\nHost: x\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
      RawHttp.Response r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.bodyText()).startsWith("{\"kind\":\"Status\"").contains("\"code\":502}");
    }
  }

  private static void writeChunk(OutputStream out, byte[] data, int off, int len) throws Exception {
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(data, off, len);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
