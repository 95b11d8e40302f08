package dev.breakwater.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.reflector.UpstreamKeyPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consistency check's upstream LIST over HTTP against a fake apiserver: the request it sends (Exact RV, then
 * continue without RV; metadata-only Accept; Breakwater's credentials; counted), and what each answer becomes — a
 * page, the upstream's Status (410, 5xx), or a decode failure for garbage and bodies cut short.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExactKeyListerTest {

  Vertx vertx;
  int port;
  ProxyMetrics metrics;
  final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  volatile Consumer<HttpServerRequest> answer;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    HttpServer up = vertx.createHttpServer().requestHandler(req -> {
      requests.add(req.uri() + " accept=" + req.getHeader("Accept") + " auth=" + req.getHeader("Authorization")
          + " ua=" + req.getHeader("User-Agent"));
      answer.accept(req);
    }).listen(0, "127.0.0.1").await();
    port = up.actualPort();
    metrics = new ProxyMetrics();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  Upstream upstream;

  /**
   * One upstream client for the whole test, as in Breakwater: its keep-alive connection is reused by every request.
   * (Before {@link dev.breakwater.proxy.upstream.WholeAnswer}, a request now and then got no answer here — 1 in ~30 to
   * ~100 — because the body was read in a step chained from this test's thread; see WholeAnswerTest.)
   */
  ExactKeyLister lister() {
    if (upstream == null) {
      Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port).withOauthToken("bw-token").build();
      upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
      upstream.metrics(metrics);
    }
    return new ExactKeyLister(upstream, "/api/v1/configmaps");
  }

  UpstreamKeyPage page(long rv, String cont) throws Exception {
    return lister().list(rv, cont, 500).get(10, TimeUnit.SECONDS);
  }

  Throwable failure(long rv) {
    CompletableFuture<UpstreamKeyPage> f = lister().list(rv, null, 500);
    try {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("no answer; requests: " + requests);
      }
      throw new AssertionError("expected a failure, got " + f.join());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Consumer<HttpServerRequest> json(int code, String body) {
    return req -> req.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(body);
  }

  @Test
  void asksForAnExactMetadataListThenContinuesWithTheTokenAlone() throws Exception {
    answer = json(200, "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"42\","
        + "\"continue\":\"a+b/c=\"},\"items\":[{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
        + "{\"name\":\"x\",\"namespace\":\"default\",\"resourceVersion\":\"40\"}}]}");
    UpstreamKeyPage p = page(42, null);
    assertThat(p.resourceVersion()).isEqualTo(42);
    assertThat(p.continueToken()).isEqualTo("a+b/c=");
    assertThat(p.items()).containsExactly(new UpstreamKeyPage.Key("default", "x", "40"));
    try {
      page(42, "a+b/c=");
    } catch (Exception e) {
      throw new AssertionError("requests: " + requests, e);
    }
    assertThat(requests).containsExactly(
        "/api/v1/configmaps?limit=500&resourceVersion=42&resourceVersionMatch=Exact accept="
            + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1 auth=Bearer bw-token ua=breakwater-consistency-check",
        "/api/v1/configmaps?limit=500&continue=a%2Bb%2Fc%3D accept="
            + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1 auth=Bearer bw-token ua=breakwater-consistency-check");
    assertThat(metrics.upstreamRequests("consistency-check")).isEqualTo(2);
  }

  @Test
  void statusAnswersBecomeTheUpstreamsStatus() {
    for (int i = 0; i < 30; i++) {
      statusOnce();
    }
  }

  void statusOnce() {
    answer = json(410, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
        + "\"The resourceVersion for the provided list is too old.\",\"reason\":\"Expired\",\"code\":410}");
    assertThat(failure(7)).isInstanceOfSatisfying(UpstreamStatusException.class, s -> assertThat(s.gone()).isTrue());
    answer = json(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"etcdserver: leader changed\","
        + "\"reason\":\"InternalError\",\"code\":500}");
    assertThat(failure(7)).isInstanceOfSatisfying(UpstreamStatusException.class, s -> assertThat(s.code()).isEqualTo(500));
    answer = json(503, "<html>no</html>");
    assertThat(failure(7)).isInstanceOfSatisfying(UpstreamStatusException.class, s -> assertThat(s.code()).isEqualTo(503));
  }

  @Test
  void garbageAndCutBodiesFailAsUndecodableOrBroken() {
    for (String garbage : List.of("<html>502</html>", "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[{\"metadata\":{\"na",
        "{\"items\":[]}")) {
      answer = json(200, garbage);
      assertThat(failure(7)).as(garbage).isInstanceOf(FrameDecodeException.class);
    }
    // The connection dies after half the declared body: the read fails, nothing is decoded.
    answer = req -> {
      req.response().putHeader("Content-Length", "1000").write("{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[");
      vertx.setTimer(50, t -> req.connection().close());
    };
    assertThat(failure(7)).isNotNull().isNotInstanceOf(UpstreamStatusException.class);
  }
}
