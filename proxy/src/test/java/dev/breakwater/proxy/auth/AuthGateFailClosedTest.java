package dev.breakwater.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.config.AuthConfig;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fail closed: a TokenReview or SubjectAccessReview that times out, fails or answers garbage
 * gives the apiserver's 401 Status (authentication) or its {@code InternalError} 500 text
 * (authorization), counted in the metrics; the handler behind the gate (the cache) is never
 * reached and the failure is not remembered. The upstream is a small Vert.x fake in this JVM:
 * what the gate answers, not how the apiserver would review, is under test here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthGateFailClosedTest {

  /** What the fake upstream does with a review: hang (never answer), fail (500), garbage (200, not a review), ok. */
  enum Behaviour { HANG, FAIL, GARBAGE, OK }

  static final String UNAUTHORIZED = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
      + "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n";

  Vertx vertx;
  Upstream upstream;
  ProxyMetrics metrics;
  HttpClient client;
  int frontPort;
  volatile Behaviour tokenReviews = Behaviour.OK;
  volatile Behaviour accessReviews = Behaviour.OK;
  final AtomicInteger reviewsReceived = new AtomicInteger();
  final AtomicInteger served = new AtomicInteger();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpServer up = vertx.createHttpServer().requestHandler(this::review).listen(0, "127.0.0.1").await();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + up.actualPort()).withOauthToken("bw-token").build();
    upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
    metrics = new ProxyMetrics();
    AuthConfig auth = new AuthConfig(AuthConfig.Mode.DELEGATED, Optional.empty(), Optional.empty(), List.of(),
        List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), false, List.of(),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(2000));
    AuthGate gate = new AuthGate(vertx, req -> {
      served.incrementAndGet();
      req.resume();
      req.response().end("served from the cache");
    }, req -> {
      served.incrementAndGet();
      req.resume();
      req.response().end("passed upstream");
    }, auth, List.of(), List.of(), new Reviewer(vertx, upstream, auth.reviewTimeout(), metrics), metrics, Clock.systemUTC());
    frontPort = vertx.createHttpServer().requestHandler(gate).listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void review(HttpServerRequest req) {
    reviewsReceived.incrementAndGet();
    boolean token = req.path().endsWith("/tokenreviews");
    Behaviour b = token ? tokenReviews : accessReviews;
    req.body().onSuccess(body -> {
      switch (b) {
        case HANG -> { } // never answers: the Reviewer's timeout must end it
        case FAIL -> req.response().setStatusCode(500).end("{\"kind\":\"Status\",\"code\":500}");
        case GARBAGE -> req.response().end("<html>not a review</html>");
        case OK -> req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(token
            ? "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":{\"authenticated\":true,"
                + "\"user\":{\"username\":\"alice\",\"uid\":\"u1\",\"groups\":[\"devs\",\"system:authenticated\"]}}}"
            : "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"status\":{\"allowed\":true}}");
      }
    });
  }

  HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + pathAndQuery))
        .header("Accept", "application/json").timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  double counter(String series) {
    for (String line : metrics.scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  @Test
  void aTokenReviewThatTimesOutIsA401AndIsNotRemembered() throws Exception {
    tokenReviews = Behaviour.HANG;
    var r = get("/api/v1/namespaces/a/configmaps", "tok-1");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo(UNAUTHORIZED);
    assertThat(served).hasValue(0);
    assertThat(counter("breakwater_authn_total{method=\"token\",result=\"error\"}")).isEqualTo(1.0);
    assertThat(counter("breakwater_auth_review_seconds_count{outcome=\"timeout\",review=\"token\"}")).isEqualTo(1.0);
    // The failure is not cached: once the upstream answers, the same token authenticates.
    tokenReviews = Behaviour.OK;
    var again = get("/api/v1/namespaces/a/configmaps", "tok-1");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("served from the cache");
  }

  @Test
  void aTokenReviewThatFailsOrAnswersGarbageIsA401() throws Exception {
    tokenReviews = Behaviour.FAIL;
    var failed = get("/api/v1/namespaces/a/configmaps", "tok-2");
    tokenReviews = Behaviour.GARBAGE;
    var garbage = get("/api/v1/namespaces/a/configmaps", "tok-3");
    for (var r : List.of(failed, garbage)) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).isEqualTo(UNAUTHORIZED);
    }
    assertThat(served).hasValue(0);
    assertThat(counter("breakwater_authn_total{method=\"token\",result=\"error\"}")).isEqualTo(2.0);
    assertThat(counter("breakwater_auth_review_seconds_count{outcome=\"error\",review=\"token\"}")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void aSubjectAccessReviewThatTimesOutIsTheApiserversInternalError() throws Exception {
    accessReviews = Behaviour.HANG;
    var r = get("/api/v1/namespaces/a/configmaps?limit=5&x=1", "tok-4");
    assertThat(r.statusCode()).isEqualTo(500);
    // responsewriters.InternalError: http.Error(w, sanitizer.Replace(fmt.Sprintf("Internal Server Error: %q: %v", uri, err)))
    assertThat(r.body()).isEqualTo("Internal Server Error: \"/api/v1/namespaces/a/configmaps?limit=5&amp;x=1\": "
        + "sar review timed out after 2000ms\n");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(served).hasValue(0);
    assertThat(counter("breakwater_authz_total{result=\"error\"}")).isEqualTo(1.0);
    assertThat(counter("breakwater_authz_total{result=\"allowed\"}")).isZero();
    // Not remembered: the next request asks again and, allowed now, is served.
    accessReviews = Behaviour.OK;
    var again = get("/api/v1/namespaces/a/configmaps?limit=5&x=1", "tok-4");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(served).hasValue(1);
  }

  @Test
  void aSubjectAccessReviewThatFailsOrAnswersGarbageIsA500() throws Exception {
    accessReviews = Behaviour.FAIL;
    var failed = get("/api/v1/namespaces/a/configmaps/x", "tok-5");
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("Internal Server Error: \"/api/v1/namespaces/a/configmaps/x\": "
        + "sar review answered 500 Internal Server Error\n");
    accessReviews = Behaviour.GARBAGE;
    var garbage = get("/api/v1/namespaces/a/configmaps/y", "tok-5");
    assertThat(garbage.statusCode()).isEqualTo(500);
    assertThat(garbage.body()).startsWith("Internal Server Error: \"/api/v1/namespaces/a/configmaps/y\": ");
    assertThat(served).hasValue(0);
    assertThat(counter("breakwater_authz_total{result=\"error\"}")).isEqualTo(2.0);
  }

  @Test
  void noCredentialsIsA401WithoutAnyReview() throws Exception {
    var r = get("/api/v1/namespaces/a/configmaps", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo(UNAUTHORIZED);
    assertThat(reviewsReceived).hasValue(0);
    assertThat(served).hasValue(0);
  }
}
