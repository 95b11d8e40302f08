package dev.breakwater.proxy.auth;

import dev.breakwater.config.AuthConfig;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The gate's warm-path cost, by hand (not a test): the same trivial handler without a gate and behind
 * an {@link AuthGate} whose TokenReview and SubjectAccessReview answers are cached (a fake upstream
 * allows everything), plain HTTP, one kept-alive connection, requests back to back in alternating
 * blocks of 1 000 after two warm-up blocks; prints p50 / p90 / mean per arm (BENCHMARKS.md,
 * "Per-client identity"). Run from the repository root after {@code ./mvnw -B -o -pl proxy -am test-compile}
 * and {@code package -DskipTests}:
 * {@code java -cp proxy/target/test-classes:proxy/target/breakwater.jar dev.breakwater.proxy.auth.GateOverhead [blocks]}.
 */
public final class GateOverhead {
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    var up = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> req.response().setStatusCode(201)
        .putHeader("Content-Type", "application/json").end(req.path().endsWith("/tokenreviews")
            ? "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":{\"authenticated\":true,\"user\":{\"username\":\"alice\",\"uid\":\"u1\",\"groups\":[\"devs\",\"system:authenticated\"]}}}"
            : "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"status\":{\"allowed\":true}}")))
        .listen(0, "127.0.0.1").await();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + up.actualPort()).withOauthToken("bw").build();
    Upstream upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
    AuthConfig auth = new AuthConfig(AuthConfig.Mode.DELEGATED, Optional.empty(), Optional.empty(), List.of(),
        List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), false, List.of(),
        Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(5));
    Handler<HttpServerRequest> inner = req -> { req.resume(); req.response().end("ok"); };
    ProxyMetrics metrics = new ProxyMetrics();
    AuthGate gate = new AuthGate(vertx, inner, inner, auth, List.of(), List.of(), new Reviewer(vertx, upstream, auth.reviewTimeout(), metrics),
        metrics, Clock.systemUTC());
    int[] ports = {
        vertx.createHttpServer().requestHandler(inner).listen(0, "127.0.0.1").await().actualPort(),
        vertx.createHttpServer().requestHandler(gate).listen(0, "127.0.0.1").await().actualPort()};
    String[] names = {"no gate", "gate"};
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int blocks = Integer.parseInt(args.length > 0 ? args[0] : "20");
    int per = 1000;
    long[][] lat = new long[ports.length][blocks * per];
    for (int b = -2; b < blocks; b++) { // two warm-up blocks
      for (int a = 0; a < ports.length; a++) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[a] + "/api/v1/namespaces/a/configmaps/c" + (b & 7) + "?resourceVersion=0"))
            .header("Authorization", "Bearer tok-" + (b & 3)).header("Accept", "application/json").build();
        for (int i = 0; i < per; i++) {
          long t0 = System.nanoTime();
          HttpResponse<byte[]> resp = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
          long t = System.nanoTime() - t0;
          if (resp.statusCode() != 200) throw new IllegalStateException(names[a] + " " + resp.statusCode());
          if (b >= 0) lat[a][b * per + i] = t;
        }
      }
    }
    for (int a = 0; a < ports.length; a++) {
      long[] l = lat[a].clone();
      Arrays.sort(l);
      System.out.printf("%-12s p50 %6.1f µs  p90 %6.1f µs  mean %6.1f µs%n", names[a], l[l.length / 2] / 1e3, l[l.length * 9 / 10] / 1e3,
          Arrays.stream(l).average().orElse(0) / 1e3);
    }
    client.close();
    upstream.close();
    vertx.close().await();
  }
}
