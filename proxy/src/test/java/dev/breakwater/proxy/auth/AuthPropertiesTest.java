package dev.breakwater.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.auth.CertificateIdentity;
import dev.breakwater.cache.auth.Headers;
import dev.breakwater.cache.auth.Impersonation;
import dev.breakwater.cache.auth.RequestHeaderIdentity;
import dev.breakwater.cache.auth.UserInfo;
import dev.breakwater.config.AuthConfig;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the authentication edge over arbitrary client headers: {@code Authorization},
 * {@code Impersonate-User/-Group/-Uid/-Extra-*} and {@code X-Remote-User/-Group/-Extra-*} with
 * random ISO-8859-1 bytes, odd cases, %-escapes, huge values — sent as raw HTTP/1.1 bytes to a real
 * {@link AuthGate} on a Vert.x server whose upstream is a small fake that answers TokenReviews
 * (only {@code good-token} authenticates, as alice) and SubjectAccessReviews (a fixed policy). For
 * every request:
 * <ul>
 *   <li>the answer is 200 (a handler behind the gate ran), 400 (the apiserver's
 *       {@code requested impersonation without impersonating a user name}, or the HTTP codec's own
 *       for bytes it cannot read), 401 or 403 — never a 5xx, never no answer;
 *   <li>no {@code X-Remote-*} header ever reaches a handler (only a verified front proxy may send them);
 *   <li>the cache handler runs only for an authenticated client whose read was allowed; an
 *       anonymous client's own {@code Impersonate-*} headers never reach a handler: they are
 *       checked and replaced by the identity that was allowed.
 * </ul>
 * And, without a network, the header and certificate parsers themselves: {@link Impersonation#parse}
 * and {@link RequestHeaderIdentity#user} never throw but {@code BadImpersonation} (400), and a
 * certificate subject with arbitrary CN / O values reads back exactly those values
 * ({@link CertificateIdentity#user}: the RFC 2253 escaping round-trips, so a CN such as
 * {@code a,O=system:masters} stays one user name and adds no group).
 */
class AuthPropertiesTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static Vertx vertx;
  static Upstream upstream;
  static int tokenPort;
  static int anonymousPort;

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    HttpServer up = vertx.createHttpServer().requestHandler(AuthPropertiesTest::review).listen(0, "127.0.0.1").await();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + up.actualPort()).withOauthToken("bw-token").build();
    upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
    tokenPort = gate(false);
    anonymousPort = gate(true);
  }

  /** A gate whose inner (cache) and pass-through handlers answer 200 and report which headers reached them. */
  static int gate(boolean anonymous) {
    ProxyMetrics metrics = new ProxyMetrics();
    AuthConfig auth = new AuthConfig(AuthConfig.Mode.DELEGATED, Optional.empty(), Optional.empty(), List.of(),
        List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), anonymous, List.of(),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
    AuthGate gate = new AuthGate(vertx, req -> echo(req, "cache"), req -> echo(req, "upstream"), auth, List.of(), List.of(),
        new Reviewer(vertx, upstream, auth.reviewTimeout(), metrics), metrics, Clock.systemUTC());
    // The client listener's header limits: without them Vert.x's 8 KB default answers 431 to long generated headers.
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setMaxHeaderSize(dev.breakwater.proxy.BreakwaterServer.MAX_HEADER_SIZE)
        .setMaxInitialLineLength(dev.breakwater.proxy.BreakwaterServer.MAX_INITIAL_LINE_LENGTH))
        .requestHandler(gate).listen(0, "127.0.0.1").await().actualPort();
  }

  static void echo(HttpServerRequest req, String handler) {
    req.resume();
    StringBuilder seen = new StringBuilder();
    req.headers().forEach(e -> {
      String n = e.getKey().toLowerCase(Locale.ROOT);
      if (n.startsWith("x-remote-") || n.startsWith("impersonate-")) {
        seen.append(n).append('=').append(e.getValue()).append('\n');
      }
    });
    req.response().putHeader("X-Handler", handler).end(seen.toString());
  }

  @AfterContainer
  static void stop() throws Exception {
    upstream.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The fake upstream's policy. */
  static void review(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      JsonNode spec;
      try {
        spec = JSON.readTree(body.getBytes()).path("spec");
      } catch (IOException e) {
        req.response().setStatusCode(400).end();
        return;
      }
      String answer;
      if (req.path().endsWith("/tokenreviews")) {
        boolean good = spec.path("token").asText().equals("good-token");
        answer = good ? "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":{\"authenticated\":true,"
            + "\"user\":{\"username\":\"alice\",\"uid\":\"u1\",\"groups\":[\"devs\",\"system:authenticated\"]}}}"
            : "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/v1\",\"status\":{\"authenticated\":false}}";
      } else {
        answer = "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"status\":{\"allowed\":" + allowed(spec) + "}}";
      }
      req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(answer);
    });
  }

  /**
   * alice and carol may read configmaps in namespace a; system:anonymous may impersonate the user
   * carol and the group devs, nothing else.
   */
  static boolean allowed(JsonNode spec) {
    String user = spec.path("user").asText();
    JsonNode r = spec.path("resourceAttributes");
    String verb = r.path("verb").asText();
    String resource = r.path("resource").asText();
    if (verb.equals("impersonate")) {
      return user.equals(UserInfo.ANONYMOUS) && (resource.equals("users") && r.path("name").asText().equals("carol")
          || resource.equals("groups") && r.path("name").asText().equals("devs"));
    }
    return (user.equals("alice") || user.equals("carol")) && resource.equals("configmaps") && r.path("namespace").asText().equals("a")
        && Set.of("get", "list", "watch").contains(verb);
  }

  // ---- inputs ------------------------------------------------------------------------------

  static final List<String> HEADER_NAMES = List.of("Impersonate-User", "impersonate-user", "IMPERSONATE-GROUP", "Impersonate-Group",
      "Impersonate-Uid", "Impersonate-Extra-scopes", "Impersonate-Extra-a%2Fb", "impersonate-extra-%zz", "Impersonate-Extra-",
      "X-Remote-User", "x-remote-user", "X-Remote-Group", "X-REMOTE-GROUP", "X-Remote-Extra-scopes", "x-remote-extra-%41",
      "Authorization", "authorization");

  /** A header value: ISO-8859-1 bytes except CR and LF (which would end the header), or a meaningful one. */
  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> bytes = Arbitraries.bytes().filter(b -> b != '\r' && b != '\n').array(byte[].class).ofMaxSize(60)
        .map(b -> new String(b, StandardCharsets.ISO_8859_1));
    Arbitrary<String> meaningful = Arbitraries.of("good-token", "Bearer good-token", "bearer good-token", "Bearer  good-token",
        "Bearer bad-token", "Bearer", "Basic Zm9vOmJhcg==", "carol", "alice", "system:anonymous", "system:serviceaccount:a:sa",
        "system:serviceaccount::", "devs", "system:masters", "system:authenticated", "", " ", "%", "a,b", "\u00e9");
    return Arbitraries.frequencyOf(Tuple.of(3, meaningful), Tuple.of(2, bytes), Tuple.of(1, bytes.map(s -> s.repeat(100))));
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<String, String>>> headers() {
    Arbitrary<String> names = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(HEADER_NAMES)),
        Tuple.of(1, Arbitraries.strings().withChars("abcXYZ-_%0123").ofMinLength(1).ofMaxLength(12).map(s -> "Impersonate-Extra-" + s)),
        Tuple.of(1, Arbitraries.strings().withChars("abcXYZ-_%0123").ofMinLength(1).ofMaxLength(12).map(s -> "X-Remote-Extra-" + s)));
    return Combinators.combine(names, values()).as(Tuple::of).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/api/v1/namespaces/a/configmaps", "/api/v1/namespaces/a/configmaps/c1", "/api/v1/configmaps",
        "/api/v1/namespaces/b/configmaps?limit=5", "/api/v1/namespaces/a/secrets", "/api/v1/namespaces/a/configmaps?watch=1",
        "/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dc1", "/version", "/apis", "/api/v1/namespaces/a/pods/p/log",
        "/api/v1/namespaces/%zz/configmaps", "/api/v1/namespaces/a/configmaps/%C3%A9");
  }

  // ---- the gate ----------------------------------------------------------------------------

  record Answer(int code, Map<String, String> headers, String body) {}

  /** One raw HTTP/1.1 GET with {@code headers} in order (the bytes as given), read to the end. */
  static Answer send(int port, String path, List<Tuple.Tuple2<String, String>> headers) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      req.writeBytes(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      for (Tuple.Tuple2<String, String> h : headers) {
        req.writeBytes((h.get1() + ": " + h.get2() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      out.write(req.toByteArray());
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all).as("an answer to %s %s", path, headers).startsWith("HTTP/1.1 ");
      int code = Integer.parseInt(all.substring(9, 12));
      int end = all.indexOf("\r\n\r\n");
      Map<String, String> h = new LinkedHashMap<>();
      for (String line : all.substring(0, Math.max(0, end)).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          h.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      return new Answer(code, h, end < 0 ? "" : all.substring(end + 4));
    }
  }

  /**
   * A read the gate authorizes itself before the inner (cache) handler; everything else reaches the
   * inner handler unauthorized, and it passes those upstream, which authorizes them.
   */
  static boolean cacheable(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return dev.breakwater.cache.request.RequestInfo.parse("GET", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
        q < 0 ? "" : pathAndQuery.substring(q + 1)).cacheableRead();
  }

  /** A header field's value as a server reads it: without leading or trailing spaces and tabs. */
  static String fieldValue(String raw) {
    int b = 0;
    int e = raw.length();
    while (b < e && (raw.charAt(b) == ' ' || raw.charAt(b) == '\t')) {
      b++;
    }
    while (e > b && (raw.charAt(e - 1) == ' ' || raw.charAt(e - 1) == '\t')) {
      e--;
    }
    return raw.substring(b, e);
  }

  /** Every header the client sent for the names the apiserver reads them under (case-insensitive), in order. */
  static List<String> sent(List<Tuple.Tuple2<String, String>> headers, String name) {
    return headers.stream().filter(h -> h.get1().equalsIgnoreCase(name)).map(Tuple.Tuple2::get2).toList();
  }

  @Property(tries = 400)
  void tokenClientsGetOnlyTheApiserversAnswers(@ForAll("paths") String path, @ForAll("headers") List<Tuple.Tuple2<String, String>> headers)
      throws IOException {
    Answer a = send(tokenPort, path, headers);
    assertThat(a.code()).as("%s %s → %s %s", path, headers, a.code(), a.body()).isIn(200, 400, 401, 403);
    if (a.code() == 200) {
      assertThat(a.body()).as("X-Remote-* reached a handler: %s", headers).doesNotContain("x-remote-");
      // Only alice (good-token) gets past authentication here.
      String authorization = sent(headers, "Authorization").stream().findFirst().orElse("");
      assertThat(dev.breakwater.cache.auth.BearerToken.parse(authorization)).as("%s", headers).contains("good-token");
      if ("cache".equals(a.headers().get("x-handler")) && cacheable(path)) {
        assertThat(path).startsWith("/api/v1/namespaces/a/configmaps");
      }
    }
    if (a.code() == 401) {
      assertThat(a.body()).contains("\"reason\":\"Unauthorized\"");
    }
  }

  @Property(tries = 400)
  void anonymousClientsImpersonateOnlyWhatTheyAreAllowedTo(@ForAll("paths") String path,
      @ForAll("headers") List<Tuple.Tuple2<String, String>> headers) throws IOException {
    // No token: anonymous (unless the client sends a token, which is then what authenticates it).
    List<Tuple.Tuple2<String, String>> noAuth = headers.stream().filter(h -> !h.get1().equalsIgnoreCase("Authorization")).toList();
    Answer a = send(anonymousPort, path, noAuth);
    assertThat(a.code()).as("%s %s → %s %s", path, noAuth, a.code(), a.body()).isIn(200, 400, 403);
    if (a.code() != 200) {
      return;
    }
    assertThat(a.body()).as("X-Remote-* reached a handler: %s", noAuth).doesNotContain("x-remote-");
    Map<String, List<String>> forwarded = new LinkedHashMap<>();
    for (String line : a.body().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        forwarded.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }
    List<String> users = forwarded.getOrDefault("impersonate-user", List.of());
    assertThat(users).as("%s → %s", noAuth, forwarded).hasSize(1);
    // What the server reads: HTTP trims a field value's leading and trailing spaces and tabs (RFC 9110 5.5; Go's textproto
    // and Netty alike), so "Impersonate-User:  " asks for no one, as it does of the apiserver.
    String asked = sent(noAuth, "Impersonate-User").stream().findFirst().map(AuthPropertiesTest::fieldValue).orElse("");
    if (users.getFirst().equals("carol")) {
      assertThat(asked).isEqualTo("carol");
      assertThat(forwarded.getOrDefault("impersonate-group", List.of())).allMatch(g -> g.equals("devs"));
      assertThat(forwarded.keySet()).as("%s", forwarded).allMatch(k -> k.equals("impersonate-user") || k.equals("impersonate-group"));
    } else {
      assertThat(users.getFirst()).isEqualTo(UserInfo.ANONYMOUS);
      assertThat(asked).as("an impersonation request that reached a handler unimpersonated: %s", noAuth).isEmpty();
      assertThat(forwarded.keySet()).containsExactly("impersonate-user");
    }
    if ("cache".equals(a.headers().get("x-handler")) && cacheable(path)) {
      assertThat(users.getFirst()).isEqualTo("carol");
      assertThat(path).startsWith("/api/v1/namespaces/a/configmaps");
    }
  }

  // ---- the parsers, without a network ------------------------------------------------------

  record MapHeaders(Map<String, List<String>> map) implements Headers {
    @Override
    public List<String> all(String name) {
      return map.getOrDefault(name, List.of());
    }

    @Override
    public List<String> names() {
      return List.copyOf(map.keySet());
    }
  }

  /** Headers by name, case-insensitive as Vert.x's (and Go's canonical keys): one name per case-insensitive key. */
  static MapHeaders headersOf(List<Tuple.Tuple2<String, String>> list) {
    Map<String, List<String>> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    list.forEach(t -> m.computeIfAbsent(t.get1(), k -> new ArrayList<>()).add(t.get2()));
    return new MapHeaders(m);
  }

  @Property(tries = 1000)
  void impersonationHeadersParseOrAreTheApiservers400(@ForAll("headers") List<Tuple.Tuple2<String, String>> headers) {
    MapHeaders h = headersOf(headers);
    UserInfo requestor = new UserInfo("alice", "", List.of("devs", UserInfo.ALL_AUTHENTICATED), Map.of());
    try {
      Optional<Impersonation.Request> r = Impersonation.parse(h, requestor);
      if (r.isEmpty()) {
        assertThat(h.first(Impersonation.USER)).isEmpty();
        return;
      }
      UserInfo wanted = r.get().wanted();
      assertThat(wanted.name()).isEqualTo(h.first(Impersonation.USER)).isNotEmpty();
      // One check per user, group, extra value and uid, all for the requestor, all verb impersonate.
      int extras = h.names().stream().filter(n -> n.regionMatches(true, 0, Impersonation.EXTRA_PREFIX, 0, Impersonation.EXTRA_PREFIX.length()))
          .mapToInt(n -> h.map().get(n).size()).sum();
      int expected = 1 + h.all(Impersonation.GROUP).size() + extras + (h.first(Impersonation.UID).isEmpty() ? 0 : 1);
      assertThat(r.get().checks()).hasSize(expected).allSatisfy(c -> {
        assertThat(c.verb()).isEqualTo("impersonate");
        assertThat(c.user()).isEqualTo(requestor);
      });
      assertThat(wanted.groups()).containsAnyOf(UserInfo.ALL_AUTHENTICATED, UserInfo.ALL_UNAUTHENTICATED);
    } catch (Impersonation.BadImpersonation e) {
      assertThat(e.status().code()).isEqualTo(400);
      assertThat(h.first(Impersonation.USER)).isEmpty();
    }
  }

  @Property(tries = 1000)
  void frontProxyHeadersNeverThrowAndNameTheFirstUser(@ForAll("headers") List<Tuple.Tuple2<String, String>> headers) {
    RequestHeaderIdentity rh = new RequestHeaderIdentity(List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"));
    MapHeaders h = headersOf(headers);
    Optional<UserInfo> u = rh.user(h);
    assertThat(u.isPresent()).isEqualTo(!h.first("X-Remote-User").isEmpty());
    u.ifPresent(user -> {
      assertThat(user.name()).isEqualTo(h.first("X-Remote-User"));
      assertThat(user.groups()).isEqualTo(h.all("X-Remote-Group").stream().filter(g -> !g.isEmpty()).toList());
    });
    for (String name : h.names()) {
      boolean auth = name.equalsIgnoreCase("X-Remote-User") || name.equalsIgnoreCase("X-Remote-Group")
          || name.regionMatches(true, 0, "X-Remote-Extra-", 0, 15);
      assertThat(rh.isAuthenticationHeader(name)).as(name).isEqualTo(auth);
    }
  }

  /** Attribute values: arbitrary Unicode (no NUL, no lone surrogates), LDAP specials and lookalikes of a DN. */
  @Provide
  Arbitrary<String> dnValues() {
    Arbitrary<String> specials = Arbitraries.of(",", "+", "=", "\\", "\"", "<", ">", ";", "#", " ", "O=system:masters", "CN=admin",
        "system:masters", "a", "é", "\u00a0", "2.5.4.10=x").list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("", l));
    Arbitrary<String> unicode = Arbitraries.strings().ofMinLength(1).ofMaxLength(30)
        .filter(s -> s.chars().noneMatch(c -> c == 0 || Character.isSurrogate((char) c)));
    return Arbitraries.frequencyOf(Tuple.of(1, specials), Tuple.of(1, unicode));
  }

  @Property(tries = 1000)
  void certificateSubjectsReadBackExactly(@ForAll("dnValues") String cn, @ForAll("orgLists") List<String> orgs) {
    // RDNs in DER order, as a client certificate's subject: O... then CN, each a UTF8String.
    // DER, not a DN string: the JDK's string parser mangles some escapes ("CN=\\+\\\\,O=\\," loses its O).
    List<byte[]> der = new ArrayList<>();
    for (String o : orgs) {
      der.add(rdn(ORGANIZATION, o));
    }
    der.add(rdn(COMMON_NAME, cn));
    X500Principal subject = new X500Principal(tlv(0x30, der.toArray(byte[][]::new)));
    CertificateIdentity.Result r = CertificateIdentity.user(new SubjectOnly(subject));
    assertThat(r.error()).as("%s", subject).isEmpty();
    assertThat(r.user()).as("%s", subject).isPresent();
    assertThat(r.user().get().name()).as("CN of %s", subject.getName()).isEqualTo(cn);
    assertThat(r.user().get().groups()).as("O of %s", subject.getName()).isEqualTo(orgs);
  }

  static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
  static final byte[] ORGANIZATION = {0x06, 0x03, 0x55, 0x04, 0x0a};

  /** SET { SEQUENCE { type, UTF8String value } }. */
  static byte[] rdn(byte[] type, String value) {
    return tlv(0x31, tlv(0x30, type, tlv(0x0c, value.getBytes(StandardCharsets.UTF_8))));
  }

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    int n = body.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 128) {
      out.write(n);
    } else if (n < 256) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n & 0xff);
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  @Provide
  Arbitrary<List<String>> orgLists() {
    return dnValues().list().ofMaxSize(3);
  }

  /** A certificate that is only a subject (and some bytes to digest): what CommonNameUserConversion reads. */
  static final class SubjectOnly extends X509Certificate {
    private final X500Principal subject;

    SubjectOnly(X500Principal subject) {
      this.subject = subject;
    }

    @Override public X500Principal getSubjectX500Principal() { return subject; }
    @Override public byte[] getEncoded() { return subject.getEncoded(); }
    @Override public void checkValidity() { }
    @Override public void checkValidity(Date date) { }
    @Override public int getVersion() { return 3; }
    @Override public BigInteger getSerialNumber() { return BigInteger.ONE; }
    @Override public java.security.Principal getIssuerDN() { return subject; }
    @Override public java.security.Principal getSubjectDN() { return subject; }
    @Override public Date getNotBefore() { return new Date(0); }
    @Override public Date getNotAfter() { return new Date(Long.MAX_VALUE); }
    @Override public byte[] getTBSCertificate() { return getEncoded(); }
    @Override public byte[] getSignature() { return new byte[0]; }
    @Override public String getSigAlgName() { return "none"; }
    @Override public String getSigAlgOID() { return "0.0"; }
    @Override public byte[] getSigAlgParams() { return null; }
    @Override public boolean[] getIssuerUniqueID() { return null; }
    @Override public boolean[] getSubjectUniqueID() { return null; }
    @Override public boolean[] getKeyUsage() { return null; }
    @Override public int getBasicConstraints() { return -1; }
    @Override public void verify(PublicKey key) { }
    @Override public void verify(PublicKey key, String sigProvider) { }
    @Override public String toString() { return subject.toString(); }
    @Override public PublicKey getPublicKey() { return null; }
    @Override public boolean hasUnsupportedCriticalExtension() { return false; }
    @Override public Set<String> getCriticalExtensionOIDs() { return Set.of(); }
    @Override public Set<String> getNonCriticalExtensionOIDs() { return Set.of(); }
    @Override public byte[] getExtensionValue(String oid) { return null; }
  }

  static String describe(List<Tuple.Tuple2<String, String>> h) {
    return h.stream().map(t -> t.get1() + ": " + t.get2()).collect(Collectors.joining("; "));
  }
}
