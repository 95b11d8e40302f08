package dev.breakwater.bench.env;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Where one arm's clients send their requests: a base URL, a JDK HTTP client (HTTP/1.1 in every
 * arm, one connection per in-flight request, so no arm gets HTTP/2 multiplexing the others lack)
 * and, for the direct arm, the fixture's bearer token (for the delegated arm, 50 users' tokens in turn).
 */
public final class Endpoint implements AutoCloseable {

  private final Arm arm;
  private final URI base;
  private final HttpClient http;
  private final Optional<String> bearer;
  private final Optional<TrustManager> trust;
  private final List<String> tokens;
  private final AtomicInteger nextToken = new AtomicInteger();

  private Endpoint(Arm arm, URI base, HttpClient http, Optional<String> bearer, Optional<TrustManager> trust) {
    this(arm, base, http, bearer, trust, bearer.map(List::of).orElse(List.of()));
  }

  private Endpoint(Arm arm, URI base, HttpClient http, Optional<String> bearer, Optional<TrustManager> trust, List<String> tokens) {
    this.arm = arm;
    this.base = base;
    this.http = http;
    this.bearer = bearer;
    this.trust = trust;
    this.tokens = List.copyOf(tokens);
  }

  /**
   * A TLS listener (trusting {@code ssl}'s CA) whose requests carry {@code tokens} in turn, one per
   * request (round robin): many distinct users through one client, for the delegated-auth arm
   * (no tokens: no {@code Authorization}, for the TLS control arm).
   */
  public static Endpoint tlsUsers(Arm arm, URI base, SSLContext ssl, TrustManager trust, List<String> tokens) {
    return new Endpoint(arm, base, builder().sslContext(ssl).build(), tokens.stream().findFirst(), Optional.of(trust), tokens);
  }

  /** The apiserver itself over TLS, trusting {@code ssl}'s CA ({@code trust} for other clients) and sending {@code token}. */
  public static Endpoint tls(Arm arm, URI base, SSLContext ssl, TrustManager trust, String token) {
    return new Endpoint(arm, base, builder().sslContext(ssl).build(), Optional.of(token), Optional.of(trust));
  }

  /** A loopback HTTP listener that adds its own upstream credentials (Breakwater, kubectl proxy). */
  public static Endpoint plain(Arm arm, URI base) {
    return new Endpoint(arm, base, builder().build(), Optional.empty(), Optional.empty());
  }

  private static HttpClient.Builder builder() {
    // The connect timeout covers the TLS handshake: 200 informers handshaking at once on two loaded cores
    // (S3 on the TLS arms) took longer than 10 s.
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(60))
        .executor(Executors.newVirtualThreadPerTaskExecutor());
  }

  public Arm arm() {
    return arm;
  }

  public URI base() {
    return base;
  }

  public HttpClient http() {
    return http;
  }

  /** The (first) bearer token this endpoint sends (direct and delegated arms). */
  public Optional<String> bearer() {
    return bearer;
  }

  /** Trust for the apiserver's certificate (direct arm only), for clients other than {@link #http()}. */
  public Optional<TrustManager> trust() {
    return trust;
  }

  /** A request for {@code pathAndQuery} (starting with {@code /}), JSON accepted, credentials added. */
  public HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Accept", "application/json");
    if (!tokens.isEmpty()) {
      b.header("Authorization", "Bearer " + tokens.get(Math.floorMod(nextToken.getAndIncrement(), tokens.size())));
    }
    return b;
  }

  @Override
  public void close() {
    http.close();
  }

  @Override
  public String toString() {
    return arm + " " + base;
  }
}
