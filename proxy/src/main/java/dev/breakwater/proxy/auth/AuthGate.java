package dev.breakwater.proxy.auth;

import dev.breakwater.cache.auth.Attributes;
import dev.breakwater.cache.auth.BearerToken;
import dev.breakwater.cache.auth.CertificateIdentity;
import dev.breakwater.cache.auth.DecisionCache;
import dev.breakwater.cache.auth.Impersonation;
import dev.breakwater.cache.auth.RequestHeaderIdentity;
import dev.breakwater.cache.auth.Reviews;
import dev.breakwater.cache.auth.UserInfo;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.config.AuthConfig;
import dev.breakwater.proxy.http.StatusResponses;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.cache.request.RequestInfo;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --auth=delegated}: authentication → impersonation → authorization in front of the
 * handler chain, for every request, in the apiserver's order ({@code DefaultBuildHandlerChain}).
 *
 * <p><b>Authentication</b> (the apiserver's union order; first success wins):
 * front-proxy headers from a client whose certificate verifies against
 * {@code --requestheader-client-ca-file} (and whose CN is allowed); the client certificate against
 * {@code --client-ca-file}; a bearer token by TokenReview (cached by SHA-256 digest, coalesced);
 * else {@code system:anonymous} with {@code --anonymous-auth}, else 401. A certificate that does not
 * verify (another CA) is an error: 401 unless a bearer token authenticates. Front-proxy headers are
 * removed from every request.
 *
 * <p><b>Impersonation</b>: a bearer-token client's own {@code Impersonate-*} headers are forwarded
 * upstream with its token and the request bypasses the cache: the upstream decides, exactly.
 * A certificate/front-proxy client's are checked here (legacy {@code impersonate} SARs) and
 * replaced by the impersonated identity.
 *
 * <p><b>Authorization</b>: every GET/HEAD that is a {@link RequestInfo#cacheableRead() cacheable
 * read} (list, watch, get of a resource, any representation, first or continue page) gets a
 * SubjectAccessReview for its exact attributes before the handler runs — so before any cache wait
 * or cache start. Other requests (writes, subresources, non-resource paths, upgrades other than a
 * watch) go upstream as the client, and the upstream authorizes them itself.
 *
 * <p><b>Forwarding</b>: a bearer client's {@code Authorization} stays on the request (PassThrough
 * sends it on a connection without Breakwater's client certificate); for everyone else it is
 * removed and {@code Impersonate-User/-Group/-Uid/-Extra-*} name the client under Breakwater's
 * credentials.
 *
 * <p><b>Bad input / failures</b>: an unparseable or empty {@code Authorization} is "no token"
 * (401 or anonymous, as Go); a TokenReview that fails or times out → 401 (fail closed, counted
 * {@code authn_total{result=error}}); a SAR that fails → the apiserver's 500 text for an authorizer
 * error (counted {@code authz_total{result=error}}); never open. Statuses are written in what the
 * client accepts, YAML included; denials for an Accept that is not modelled are left to the
 * upstream (it writes the same 403, as the client).
 *
 * <p>Threading: runs on the client connection's event loop; review futures complete anywhere and
 * hop back to that context before touching the request — except a cached decision, already
 * complete, which continues on the spot ({@link #onContext}). Never blocks. The request is paused until
 * the handler takes it.
 */
public final class AuthGate implements Handler<HttpServerRequest> {

  private static final Logger ACCESS = LoggerFactory.getLogger("dev.breakwater.access");
  static final String YAML_UNAUTHORIZED = "apiVersion: v1\ncode: 401\nkind: Status\nmessage: Unauthorized\nmetadata: {}\n"
      + "reason: Unauthorized\nstatus: Failure\n";

  private final Vertx vertx;
  private final Handler<HttpServerRequest> inner;
  private final Handler<HttpServerRequest> passThrough;
  private final AuthConfig config;
  private final CertificateIdentity clientCa;
  private final CertificateIdentity requestHeaderCa;
  private final RequestHeaderIdentity requestHeader;
  private final Reviewer reviewer;
  private final DecisionCache<String, Reviews.TokenResult> tokens;
  private final DecisionCache<Attributes, Reviews.Decision> decisions;
  private final ProxyMetrics metrics;
  private final Clock clock;

  public AuthGate(Vertx vertx, Handler<HttpServerRequest> inner, Handler<HttpServerRequest> passThrough, AuthConfig config,
      List<X509Certificate> clientCas, List<X509Certificate> requestHeaderCas, Reviewer reviewer, ProxyMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.inner = inner;
    this.passThrough = passThrough;
    this.config = config;
    this.clientCa = clientCas.isEmpty() ? null : new CertificateIdentity(clientCas);
    this.requestHeaderCa = requestHeaderCas.isEmpty() ? null : new CertificateIdentity(requestHeaderCas);
    this.requestHeader = new RequestHeaderIdentity(config.requestHeaderUsernameHeaders(), config.requestHeaderGroupHeaders(),
        config.requestHeaderExtraPrefixes());
    this.reviewer = reviewer;
    this.metrics = metrics;
    this.clock = clock;
    this.tokens = DecisionCache.create(10_000, config.tokenCacheTtl(), config.tokenCacheNegativeTtl(), Reviews.TokenResult::authenticated);
    this.decisions = DecisionCache.create(50_000, config.allowCacheTtl(), config.denyCacheTtl(), Reviews.Decision::allowed);
  }

  /** How the client authenticated, which decides how it is forwarded. */
  enum Method { TOKEN, X509, REQUESTHEADER, ANONYMOUS }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    Context ctx = vertx.getOrCreateContext();
    // No CA configured: no certificate is read (asking an SSLSession for absent peer certificates throws).
    List<X509Certificate> chain = clientCa == null && requestHeaderCa == null ? List.of() : peerChain(req);
    Date now = Date.from(clock.instant());
    UserInfo user = null;
    Method method = null;
    if (requestHeaderCa != null && !chain.isEmpty() && requestHeaderCa.verifies(chain, now) && allowedFrontProxy(chain.getFirst())) {
      user = requestHeader.user(new VertxHeaders(req.headers())).map(UserInfo::withAuthenticatedGroup).orElse(null);
      method = Method.REQUESTHEADER;
    }
    if (anyHeader(req.headers(), requestHeader::isAuthenticationHeader)) {
      for (String name : List.copyOf(req.headers().names())) {
        if (requestHeader.isAuthenticationHeader(name)) {
          req.headers().remove(name);
        }
      }
    }
    String certError = "";
    if (user == null && clientCa != null) {
      CertificateIdentity.Result r = clientCa.authenticate(chain, now);
      if (r.user().isPresent()) {
        user = r.user().get().withAuthenticatedGroup();
        method = Method.X509;
      } else {
        certError = r.error();
      }
    }
    if (user != null) {
      metrics.authn(method.name().toLowerCase(), "authenticated");
      impersonate(ctx, req, user, method);
      return;
    }
    var token = BearerToken.parse(req.getHeader("Authorization"));
    if (token.isPresent()) {
      String t = token.get();
      var lookup = tokens.get(BearerToken.digest(t) + "|" + String.join(",", config.audiences()),
          k -> reviewer.tokenReview(Reviews.tokenReview(t, config.audiences())).thenApply(body -> {
            try {
              return Reviews.tokenResult(body, config.audiences());
            } catch (Reviews.MalformedReviewException e) {
              throw new Reviewer.ReviewFailedException(e.getMessage());
            }
          }));
      metrics.authCache("token", lookup.source().name().toLowerCase(java.util.Locale.ROOT));
      onContext(ctx, lookup.value(), (r, err) -> {
        if (err != null || !r.authenticated()) {
          metrics.authn("token", err != null ? "error" : "rejected");
          unauthorized(req);
          return;
        }
        metrics.authn("token", "authenticated");
        impersonate(ctx, req, r.user().get(), Method.TOKEN);
      });
      return;
    }
    if (!certError.isEmpty()) {
      metrics.authn("x509", "rejected");
      unauthorized(req);
      return;
    }
    if (config.anonymous()) {
      metrics.authn("anonymous", "authenticated");
      impersonate(ctx, req, UserInfo.anonymous(), Method.ANONYMOUS);
      return;
    }
    metrics.authn("none", "rejected");
    unauthorized(req);
  }

  private boolean allowedFrontProxy(X509Certificate leaf) {
    return config.requestHeaderAllowedNames().isEmpty()
        || config.requestHeaderAllowedNames().contains(CertificateIdentity.commonName(leaf));
  }

  /**
   * Runs {@code then} with {@code f}'s outcome on {@code ctx}: at once when {@code f} is already
   * complete and this is {@code ctx}'s thread (a decision-cache hit, the common case: no event-loop
   * hop, no task queued behind other connections' work), else when it completes, via
   * {@link Context#runOnContext}. {@code err} is the failure as {@code whenComplete} gives it.
   */
  static <T> void onContext(Context ctx, CompletableFuture<T> f, java.util.function.BiConsumer<T, Throwable> then) {
    if (f.isDone() && Vertx.currentContext() == ctx) {
      T value;
      try {
        value = f.join();
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
        then.accept(null, e);
        return;
      }
      then.accept(value, null);
      return;
    }
    f.whenComplete((v, err) -> ctx.runOnContext(x -> then.accept(v, err)));
  }

  /** Whether some header's name satisfies {@code p}, without building the sorted name set. */
  static boolean anyHeader(MultiMap headers, java.util.function.Predicate<String> p) {
    for (Map.Entry<String, String> e : headers) {
      if (p.test(e.getKey())) {
        return true;
      }
    }
    return false;
  }

  /** Impersonation, then authorization, then the handler. On the request's context. */
  private void impersonate(Context ctx, HttpServerRequest req, UserInfo user, Method method) {
    if (!anyHeader(req.headers(), Impersonation::isImpersonationHeader)) {
      authorize(ctx, req, user, user, method);
      return;
    }
    VertxHeaders view = new VertxHeaders(req.headers());
    if (method == Method.TOKEN) {
      // The upstream decides, exactly (constrained impersonation included), as this client.
      log(req, user, "impersonation-upstream");
      passThrough.handle(req);
      return;
    }
    Impersonation.Request wanted;
    try {
      var parsed = Impersonation.parse(view, user);
      if (parsed.isEmpty()) {
        authorize(ctx, req, user, user, method);
        return;
      }
      wanted = parsed.get();
    } catch (Impersonation.BadImpersonation e) {
      send(req, e.status());
      return;
    }
    onContext(ctx, checkAll(wanted.checks(), 0), (denied, err) -> {
      if (err != null) {
        metrics.authz("error");
        internalError(req, err);
        return;
      }
      if (denied != null) {
        metrics.authz("denied");
        deny(req, user, denied.status());
        return;
      }
      for (String name : List.copyOf(req.headers().names())) {
        if (Impersonation.isImpersonationHeader(name)) {
          req.headers().remove(name);
        }
      }
      authorize(ctx, req, user, wanted.wanted(), method);
    });
  }

  /** A denied check and its 403, or null when every check is allowed. */
  private record Denied(ApiStatus status) {}

  private CompletableFuture<Denied> checkAll(List<Attributes> checks, int i) {
    if (i >= checks.size()) {
      return CompletableFuture.completedFuture(null);
    }
    Attributes a = checks.get(i);
    return decide(a).thenCompose(d -> d.allowed() ? checkAll(checks, i + 1) : CompletableFuture.completedFuture(new Denied(a.forbidden(d.reason()))));
  }

  private CompletableFuture<Reviews.Decision> decide(Attributes a) {
    var lookup = decisions.get(a, k -> reviewer.subjectAccessReview(Reviews.subjectAccessReview(k)).thenApply(body -> {
      try {
        return Reviews.decision(body);
      } catch (Reviews.MalformedReviewException e) {
        throw new Reviewer.ReviewFailedException(e.getMessage());
      }
    }));
    metrics.authCache("sar", lookup.source().name().toLowerCase(java.util.Locale.ROOT));
    return lookup.value();
  }

  /** The attributes the gate authorizes itself, or null for a request left to the upstream. */
  static Attributes gateAttributes(HttpServerRequest req, UserInfo user) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      return null;
    }
    RequestInfo info = RequestInfo.parse(req.method().name(), req.path(), req.query());
    if (!info.cacheableRead()) {
      return null;
    }
    return Attributes.resource(user, info.verb(), info.group(), info.version(), info.namespace(), info.resource(),
        info.subresource(), info.authorizedName());
  }

  private void authorize(Context ctx, HttpServerRequest req, UserInfo requestor, UserInfo effective, Method method) {
    Attributes a = gateAttributes(req, effective);
    if (a == null) {
      forward(req, effective, method, inner, "upstream-authorizes");
      return;
    }
    onContext(ctx, decide(a), (d, err) -> {
      if (err != null) {
        metrics.authz("error");
        internalError(req, err);
        return;
      }
      if (!d.allowed()) {
        metrics.authz("denied");
        if (!StatusResponses.negotiable(req)) {
          // An Accept not modelled: the upstream writes the very same 403, as this client.
          forward(req, effective, method, passThrough, "denied-yaml-upstream");
          return;
        }
        deny(req, effective, a.forbidden(d.reason()));
        return;
      }
      metrics.authz("allowed");
      forward(req, effective, method, inner, "allowed");
    });
  }

  private void forward(HttpServerRequest req, UserInfo user, Method method, Handler<HttpServerRequest> next, String decision) {
    MultiMap h = req.headers();
    if (method != Method.TOKEN) {
      h.remove("Authorization");
      if (anyHeader(h, Impersonation::isImpersonationHeader)) {
        for (String name : List.copyOf(h.names())) {
          if (Impersonation.isImpersonationHeader(name)) {
            h.remove(name);
          }
        }
      }
      h.set(Impersonation.USER, user.name());
      for (String g : user.groups()) {
        if (!g.equals(UserInfo.ALL_AUTHENTICATED) && !(user.name().equals(UserInfo.ANONYMOUS) && g.equals(UserInfo.ALL_UNAUTHENTICATED))) {
          h.add(Impersonation.GROUP, g);
        }
      }
      if (!user.uid().isEmpty()) {
        h.set(Impersonation.UID, user.uid());
      }
      for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
        if (e.getKey().equals(CertificateIdentity.CREDENTIAL_ID)) {
          continue; // not needed upstream; forwarding it would need impersonate on that userextra
        }
        for (String value : e.getValue()) {
          h.add(Impersonation.EXTRA_PREFIX + escapeExtraKey(e.getKey()), value);
        }
      }
    }
    log(req, user, decision);
    next.handle(req);
  }

  /** url.PathEscape-style escaping of an extra key for a header name (as client-go's transport does). */
  static String escapeExtraKey(String key) {
    StringBuilder sb = new StringBuilder();
    for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'*+^`|".indexOf(c) >= 0) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", (int) c));
      }
    }
    return sb.toString();
  }

  private void log(HttpServerRequest req, UserInfo user, String decision) {
    if (ACCESS.isDebugEnabled()) {
      ACCESS.debug("{} {} user={} groups={} auth={}", req.method(), req.path(), user.name(), user.groups(), decision);
    }
  }

  private void deny(HttpServerRequest req, UserInfo user, ApiStatus status) {
    log(req, user, "denied");
    req.response().putHeader("X-Content-Type-Options", "nosniff");
    send(req, status);
  }

  private void send(HttpServerRequest req, ApiStatus status) {
    if (!StatusResponses.negotiable(req)) {
      // An Accept not modelled: a 400/403 of our own is written as JSON (known gap; denied reads go upstream instead).
      byte[] json = status.toJson();
      if (!req.response().headWritten()) {
        req.response().setStatusCode(status.code()).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-cache, private").end(io.vertx.core.buffer.Buffer.buffer(json).appendString("\n"));
      }
    } else {
      StatusResponses.sendNegotiated(req, status);
    }
    req.resume();
  }

  private void unauthorized(HttpServerRequest req) {
    if (ACCESS.isDebugEnabled()) {
      ACCESS.debug("{} {} user=<unauthenticated> auth=401", req.method(), req.path());
    }
    if (!StatusResponses.negotiable(req)) {
      req.response().setStatusCode(401).putHeader("Content-Type", "application/yaml")
          .putHeader("Cache-Control", "no-cache, private").end(YAML_UNAUTHORIZED);
    } else {
      StatusResponses.sendNegotiated(req, ApiStatus.unauthorized());
    }
    req.resume();
    if (req.version() == HttpVersion.HTTP_2) {
      // The apiserver's UnauthenticatedHTTP2DOSMitigation: one request per unauthenticated connection.
      req.response().endHandler(v -> req.connection().shutdown());
    }
  }

  /** responsewriters.InternalError: plain text, as http.Error writes it. */
  private void internalError(HttpServerRequest req, Throwable err) {
    String m = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause().getMessage() : err.getMessage();
    String body = ("Internal Server Error: " + dev.breakwater.cache.golang.GoStrings.quote(req.uri()) + ": " + m)
        .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "\n";
    if (!req.response().headWritten()) {
      req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("X-Content-Type-Options", "nosniff").end(body);
    }
    req.resume();
  }

  private static List<X509Certificate> peerChain(HttpServerRequest req) {
    if (!req.isSSL()) {
      return List.of();
    }
    try {
      List<Certificate> certs = req.connection().peerCertificates();
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  /** {@link dev.breakwater.cache.auth.Headers} over a Vert.x MultiMap. */
  record VertxHeaders(MultiMap map) implements dev.breakwater.cache.auth.Headers {
    @Override
    public List<String> all(String name) {
      return map.getAll(name);
    }

    @Override
    public List<String> names() {
      return List.copyOf(map.names());
    }
  }
}
