package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Upstream#request} over several endpoints, against fake apiservers: a refused connection is retried on the
 * next endpoint (the request was never sent), which then stays current; 502/503 answers move it after three in a
 * row; known-unhealthy endpoints are not retried (with every endpoint down a request fails after one or two
 * attempts); with one endpoint nothing is selected.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamEndpointsTest {

  Vertx vertx;
  int live;
  int dead;
  final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
  final AtomicInteger status = new AtomicInteger(200);
  Upstream upstream;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    HttpServer up = vertx.createHttpServer().requestHandler(req -> {
      seen.add(req.method() + " " + req.uri() + " host=" + req.authority() + " auth=" + req.getHeader("Authorization"));
      req.response().setStatusCode(status.get()).end("ok");
    }).listen(0, "127.0.0.1").await();
    live = up.actualPort();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort(); // closed again: connections are refused
    }
  }

  @AfterEach
  void tearDown() {
    if (upstream != null) {
      upstream.close();
    }
    vertx.close().await();
  }

  Upstream upstream(String... endpoints) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1").withOauthToken("bw-token").build();
    upstream = Upstream.create(vertx, config, List.of(endpoints).stream().map(URI::create).toList(), Duration.ofSeconds(2),
        Clock.systemUTC());
    return upstream;
  }

  int get(String path) throws Exception {
    return upstream.request(upstream.get(path, "application/json", "breakwater-test"))
        .compose(r -> r.send()).map(r -> r.statusCode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRefusedConnectionIsRetriedOnTheNextEndpointWhichStaysCurrent() throws Exception {
    upstream("http://127.0.0.1:" + dead, "http://127.0.0.1:" + live + "/prefix");
    assertThat(upstream.endpoint().port()).isEqualTo(dead);
    assertThat(get("/api/v1/configmaps?limit=1")).isEqualTo(200);
    assertThat(seen).containsExactly("GET /prefix/api/v1/configmaps?limit=1 host=127.0.0.1:" + live + " auth=Bearer bw-token");
    assertThat(upstream.endpoint().port()).isEqualTo(live);
    assertThat(upstream.selector().healthy(0)).isFalse();
    assertThat(upstream.selector().status().get(0).cause()).contains("Connection refused");
    assertThat(get("/api/v1/pods")).isEqualTo(200);
    assertThat(upstream.selector().switches()).isEqualTo(1);
    // A write is retried too: its connection was never made, so nothing was sent.
    int code = upstream.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/v1/namespaces/x/configmaps"))
        .compose(r -> r.send("{}")).map(r -> r.statusCode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(code).isEqualTo(200);
    assertThat(seen).last().asString().startsWith("POST /prefix/api/v1/namespaces/x/configmaps");
  }

  @Test
  void threeUnavailableAnswersInARowMoveToTheNextEndpoint() throws Exception {
    upstream("http://127.0.0.1:" + live, "http://127.0.0.1:" + dead);
    status.set(503);
    assertThat(get("/a")).isEqualTo(503);
    assertThat(get("/b")).isEqualTo(503);
    assertThat(upstream.endpoint().port()).isEqualTo(live);
    assertThat(get("/c")).as("the answer itself reaches the caller").isEqualTo(503);
    // Moved to the dead one, which refuses; the first is known unhealthy, so that request fails at once (no retry
    // on a known-bad endpoint) and the ring is back on the first for the next one.
    status.set(200);
    assertThat(upstream.endpoint().port()).isEqualTo(dead);
    assertThatThrownBy(() -> get("/d")).hasRootCauseInstanceOf(java.net.ConnectException.class);
    assertThat(upstream.endpoint().port()).isEqualTo(live);
    assertThat(get("/e")).isEqualTo(200);
    assertThat(upstream.selector().healthy(0)).as("it answered").isTrue();
  }

  @Test
  void everyEndpointDownFailsWithoutTryingKnownDeadOnes() throws Exception {
    upstream("http://127.0.0.1:" + dead, "http://127.0.0.1:" + dead, "http://127.0.0.1:" + live);
    // a refused, b (believed healthy) refused, then c is healthy: served
    assertThat(get("/x")).isEqualTo(200);
    assertThat(upstream.endpoint().index()).isEqualTo(2);
    upstream.close();
    upstream("http://127.0.0.1:" + dead, "http://127.0.0.1:" + dead);
    assertThatThrownBy(() -> get("/x")).hasRootCauseInstanceOf(java.net.ConnectException.class);
    assertThat(upstream.selector().status()).allSatisfy(s -> assertThat(s.healthy()).isFalse());
    assertThat(upstream.endpoint().index()).as("the ring moved on to the first again").isZero();
    // both known dead: the next request tries the current one only, and the ring moves on
    assertThatThrownBy(() -> get("/y")).hasRootCauseInstanceOf(java.net.ConnectException.class);
    assertThat(upstream.endpoint().index()).isEqualTo(1);
    assertThat(upstream.selector().switches()).isEqualTo(3);
  }

  @Test
  void oneEndpointIsNeverSelected() {
    upstream();
    assertThat(upstream.endpoints()).hasSize(1);
    assertThat(upstream.endpoint().port()).isEqualTo(1);
    assertThatThrownBy(() -> get("/x")).hasRootCauseInstanceOf(java.net.ConnectException.class);
    assertThat(upstream.selector().healthy(0)).as("no bookkeeping with one endpoint").isTrue();
  }

  @Test
  void mixedSchemesAreRejected() {
    assertThatThrownBy(() -> upstream("https://127.0.0.1:1", "http://127.0.0.1:2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--upstream-endpoints must all be https or all be http");
  }
}
