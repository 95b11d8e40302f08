package dev.breakwater.cache.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.auth.BearerToken;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.GetQuery;
import dev.breakwater.cache.delegator.ListQuery;
import dev.breakwater.cache.delegator.Parsed;
import dev.breakwater.cache.delegator.ReadParams;
import dev.breakwater.cache.delegator.ReadPlan;
import dev.breakwater.cache.delegator.ReadRouting;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.delegator.WatchQuery;
import dev.breakwater.cache.golang.GoStrconv;
import dev.breakwater.cache.negotiation.ErrorBodies;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.request.GoQuery;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of every request parser Breakwater owns, over arbitrary input: random strings,
 * random bytes read as ISO-8859-1 (how header values and raw paths reach the proxy), huge values,
 * non-ASCII, and percent-encoding edge cases ({@code %}, {@code %4}, {@code %zz}, {@code %FF},
 * {@code %00}, {@code +}). For each parser:
 * <ul>
 *   <li>no exception escapes, whatever the input;
 *   <li>a rejection is a 4xx Status the apiserver gives for that input (400 for decoding,
 *       422 for invalid ListOptions, 410 for an expired continue token, 429 for an unready
 *       cache) — never a 5xx of Breakwater's own; anything the cache cannot word exactly goes
 *       upstream ({@link Parsed#delegated});
 *   <li>round trips where they exist: a parsed selector prints to a string that parses to the
 *       same selector (and prints the same), a continue token decodes to the key and RV it was
 *       encoded from, a percent-encoded query decodes to its values.
 * </ul>
 * The same parsers are compared with the real Go code on generated families in
 * {@link GeneratedFamiliesTest}. Tries stay near 1000 so each property runs in about a second.
 */
class ParserPropertiesTest {

  static final FieldLabels CM_FIELDS = FieldLabels.forKind("", "ConfigMap");
  static final ResourceScope CM = new ResourceScope("/registry/configmaps", true, CM_FIELDS, new ObjectExtractor(CM_FIELDS.jsonPaths()));
  static final FieldLabels POD_FIELDS = FieldLabels.forKind("", "Pod");
  static final ResourceScope PODS = new ResourceScope("/registry/pods", true, POD_FIELDS, new ObjectExtractor(POD_FIELDS.jsonPaths()));
  static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));

  /** The Status codes the apiserver answers a read's bad input with, before or instead of serving it. */
  static final Set<Integer> CLIENT_ERRORS = Set.of(400, 410, 422, 429);

  record Cache(boolean ready, long resourceVersion) implements CacheState {
    @Override
    public boolean hasSnapshotAtOrBelow(long rv) {
      return rv >= 50;
    }

    @Override
    public ApiStatus unreadyStatus() {
      return ApiStatus.tooManyRequests("storage is (re)initializing", 1);
    }
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** Random bytes as ISO-8859-1 chars: what a header value or a raw request target is to the proxy. */
  static Arbitrary<String> latin1() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(b -> new String(b, StandardCharsets.ISO_8859_1));
  }

  /** Strings made of the tokens that matter to query parsing, escapes at their edges included. */
  static Arbitrary<String> queryish() {
    return Arbitraries.of("limit", "continue", "resourceVersion", "resourceVersionMatch", "labelSelector", "fieldSelector", "watch",
            "timeoutSeconds", "timeout", "sendInitialEvents", "allowWatchBookmarks", "export", "shardSelector", "pretty", "=", "&", ";",
            "%", "%2", "%zz", "%3D", "%26", "%2C", "%FF", "%C3%A9", "%C3", "%00", "+", " ", "0", "1", "-1", "500", "abc", "Exact",
            "NotOlderThan", "true", "false", "falſe", "a%3Db", "metadata.name%3Dx", "metadata.namespace%3Ddefault", "spec.nodeName%3Dn",
            "a+in+(b)", "!a", "1s", "3s", "5m", "-1s", "99999999999h", "é", "\u0000", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJjMlx1MDAwMCJ9")
        .list().ofMaxSize(25).map(l -> String.join("", l));
  }

  /** Anything a client can put in a query or header: tokens, random Unicode, Latin-1 bytes, now and then huge. */
  @Provide
  Arbitrary<String> anything() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, queryish()),
        net.jqwik.api.Tuple.of(3, Arbitraries.strings().ofMaxLength(200)),
        net.jqwik.api.Tuple.of(2, latin1()),
        net.jqwik.api.Tuple.of(1, queryish().map(s -> s.repeat(2_000))));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.of("api", "apis", "v1", "apps", "namespaces", "default", "watch", "proxy", "configmaps",
            "pods", "c1", "status", "finalize", "log", "", ".", "..", "%2F", "é", "a b")),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)),
        net.jqwik.api.Tuple.of(1, latin1().map(s -> s.length() > 12 ? s.substring(0, 12) : s)));
    return segment.list().ofMaxSize(9).map(l -> "/" + String.join("/", l));
  }

  // ---- request paths -----------------------------------------------------------------------

  @Property(tries = 1000)
  void requestInfoNeverThrowsAndOnlyResourceReadsAreCacheable(@ForAll("paths") String path, @ForAll("anything") String query,
      @ForAll("methods") String method) {
    RequestInfo info = RequestInfo.parse(method, path, query);
    if (info.cacheableRead()) {
      assertThat(info.resourceRequest()).isTrue();
      assertThat(info.subresource()).isEmpty();
      assertThat(info.verb()).isIn("get", "list", "watch");
      if (info.verb().equals("get")) {
        assertThat(info.name()).isNotEmpty();
      }
      if (info.name().isEmpty()) {
        assertThat(info.verb()).isIn("list", "watch");
      }
    }
    // The name authorized is the path's, or one taken from a metadata.name selector of a collection read.
    if (!info.name().isEmpty()) {
      assertThat(info.authorizedName()).isEqualTo(info.name());
    } else if (!info.authorizedName().isEmpty()) {
      assertThat(info.verb()).isIn("list", "watch");
      assertThat(info.authorizedName()).doesNotContain("/", "%").isNotIn(".", "..");
    }
    // Leading, trailing and doubled slashes at the ends do not change what a path addresses.
    assertThat(RequestInfo.parse(method, "//" + path + "/", query)).isEqualTo(info);
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "get")),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)));
  }

  // ---- query parameters --------------------------------------------------------------------

  @Property(tries = 1000)
  void goQueryNeverThrows(@ForAll("anything") String raw) {
    GoQuery q = GoQuery.parse(raw);
    for (String name : q.names()) {
      assertThat(q.has(name)).isTrue();
      assertThat(q.all(name)).isNotEmpty();
      assertThat(q.first(name)).isEqualTo(q.all(name).getFirst());
    }
  }

  @Property(tries = 1000)
  void percentEncodedPairsDecodeToThemselves(@ForAll("pairs") List<String[]> pairs) {
    StringBuilder raw = new StringBuilder();
    for (String[] p : pairs) {
      raw.append(raw.isEmpty() ? "" : "&").append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
    }
    GoQuery q = GoQuery.parse(raw.toString());
    for (String[] p : pairs) {
      if (p[0].isEmpty() && p[1].isEmpty()) {
        continue; // "=" is a pair with an empty key: kept by Go, but this test does not track order among such pairs
      }
      assertThat(q.all(p[0])).as(raw.toString()).contains(p[1]);
      assertThat(q.invalidUtf8(p[0])).isFalse();
    }
  }

  @Provide
  Arbitrary<List<String[]>> pairs() {
    Arbitrary<String> s = Arbitraries.strings().ofMaxLength(20)
        .filter(x -> x.chars().noneMatch(c -> Character.isSurrogate((char) c)));
    return Combinators.combine(s, s).as((k, v) -> new String[] {k, v}).list().ofMaxSize(6);
  }

  @Property(tries = 1000)
  void readParamsNeverThrowAndRejectOnlyWithTheApiserversClientErrors(@ForAll("anything") String query,
      @ForAll("namespaces") String namespace) {
    for (ResourceScope scope : List.of(CM, PODS)) {
      Parsed<ListQuery> list = ReadParams.list(query, namespace, scope);
      exactlyOne(list);
      if (list.reject() != null) {
        assertThat(list.reject().code()).as("LIST ?%s", query).isEqualTo(400);
      }
      if (list.ok()) {
        for (ServingPath path : ServingPath.values()) {
          for (Cache cache : List.of(new Cache(true, 100), new Cache(false, 0))) {
            for (boolean waited : new boolean[] {false, true}) {
              ReadPlan<?> plan = ReadRouting.list(list.value(), cache, path, waited);
              if (plan instanceof ReadPlan.Reject<?> r) {
                assertThat(r.status().code()).as("LIST ?%s → %s", query, r.status().message()).isIn(CLIENT_ERRORS);
              }
            }
          }
        }
      }
      Parsed<WatchQuery> watch = ReadParams.watch(query, namespace, scope, CLOCK, () -> 0.5);
      exactlyOne(watch);
      if (watch.reject() != null) {
        assertThat(watch.reject().code()).as("WATCH ?%s", query).isIn(400, 422);
      }
      if (watch.ok()) {
        ReadPlan<?> plan = ReadRouting.watch(watch.value(), new Cache(false, 0), ServingPath.WATCH_CACHE, true);
        if (plan instanceof ReadPlan.Reject<?> r) {
          assertThat(r.status().code()).isEqualTo(429);
        }
      }
    }
    Parsed<GetQuery> get = ReadParams.get(query, namespace, "c1");
    exactlyOne(get);
    if (get.reject() != null) {
      assertThat(get.reject().code()).as("GET ?%s", query).isEqualTo(400);
    }
    ReadParams.tableOptions(query);
    Negotiation.pretty(query, null);
  }

  @Provide
  Arbitrary<String> namespaces() {
    return Arbitraries.of("", "default", "kube-system");
  }

  private static void exactlyOne(Parsed<?> p) {
    int set = (p.value() != null ? 1 : 0) + (p.reject() != null ? 1 : 0) + (p.delegate() != null ? 1 : 0);
    assertThat(set).isEqualTo(1);
  }

  @Property(tries = 1000)
  void parseIntNeverThrowsAndAgreesWithJavaOnAsciiDecimals(@ForAll("anything") String s) {
    GoStrconv.Parsed p = GoStrconv.parseInt(s);
    boolean decimal = s.matches("[+-]?[0-9]+");
    if (!decimal) {
      assertThat(p.ok()).as(s).isFalse();
      assertThat(p.error()).startsWith("strconv.ParseInt: parsing \"");
      return;
    }
    Long expected;
    try {
      expected = Long.parseLong(s);
    } catch (NumberFormatException e) {
      expected = null;
    }
    if (expected == null) {
      assertThat(p.error()).as(s).endsWith(": value out of range");
    } else {
      assertThat(p.ok()).as(s).isTrue();
      assertThat(p.value()).isEqualTo(expected);
    }
  }

  @Property(tries = 1000)
  void parseDurationNeverThrowsAndReadsWholeUnits(@ForAll("anything") String s,
      @ForAll @LongRange(min = 0, max = 9_223_372_036_854_775_807L) long n, @ForAll("units") String unit) {
    GoStrconv.parseDuration(s);
    GoStrconv.queryBool(s);
    long perUnit = switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
    GoStrconv.Parsed p = GoStrconv.parseDuration(n + unit);
    long product;
    try {
      product = Math.multiplyExact(n, perUnit);
    } catch (ArithmeticException e) {
      assertThat(p.ok()).as(n + unit).isFalse();
      assertThat(p.error()).isEqualTo("time: invalid duration \"" + n + unit.replace("µ", "\\xc2\\xb5").replace("μ", "\\xce\\xbc") + "\"");
      return;
    }
    assertThat(p.ok()).as("%s%s: %s", n, unit, p.error()).isTrue();
    assertThat(p.value()).isEqualTo(product);
    assertThat(GoStrconv.parseDuration("-" + n + unit).value()).isEqualTo(-product);
  }

  @Provide
  Arbitrary<String> units() {
    return Arbitraries.of("ns", "us", "µs", "μs", "ms", "s", "m", "h");
  }

  // ---- selectors ---------------------------------------------------------------------------

  @Provide
  Arbitrary<String> selectorish() {
    Arbitrary<String> tokens = Arbitraries.of("a", "b", "x", "app", "example.com/", "a.b/c", "metadata.name", "-", "_", ".", "1",
            "01", "-1", "=", "==", "!=", "!", " ", ",", "(", ")", " in ", " notin ", "<", ">", "é", "\t", "\"", "\\", "\\,", "\\=",
            "\\\\", "/", "\u0000", "k".repeat(64), "v".repeat(64))
        .list().ofMaxSize(14).map(l -> String.join("", l));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, tokens), net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(60)),
        net.jqwik.api.Tuple.of(1, latin1()), net.jqwik.api.Tuple.of(1, tokens.map(t -> t.repeat(500))));
  }

  @Property(tries = 1000)
  void labelSelectorsNeverThrowRejectWith400AndRoundTrip(@ForAll("selectorish") String s) {
    Result<LabelSelector> r = LabelSelector.parse(s);
    if (!r.isOk()) {
      assertThat(r.error().code()).isEqualTo(400);
      assertThat(r.error().reason()).isEqualTo("BadRequest");
      return;
    }
    String printed = r.value().toString();
    Result<LabelSelector> again = LabelSelector.parse(printed);
    assertThat(again.isOk()).as("%s → %s", s, printed).isTrue();
    assertThat(again.value()).as("%s → %s", s, printed).isEqualTo(r.value());
    assertThat(again.value().toString()).isEqualTo(printed);
  }

  /** The case jqwik found: Go sorts raw terms before parsing ("==-" after "=."), so printing is not idempotent there. */
  @net.jqwik.api.Example
  void aFieldSelectorPrintsItsTermsInTheOrderGoSortedTheirRawText() {
    FieldSelector first = FieldSelector.parse("==-,=.").value();
    assertThat(first.toString()).isEqualTo("=.,=-");
    assertThat(FieldSelector.parse(first.toString()).value().toString()).isEqualTo("=-,=.");
  }

  @Property(tries = 1000)
  void fieldSelectorsNeverThrowRejectWith400AndRoundTrip(@ForAll("selectorish") String s) {
    Result<FieldSelector> r = FieldSelector.parse(s);
    if (!r.isOk()) {
      assertThat(r.error().code()).isEqualTo(400);
      assertThat(r.error().reason()).isEqualTo("BadRequest");
      return;
    }
    String printed = r.value().toString();
    Result<FieldSelector> again = FieldSelector.parse(printed);
    assertThat(again.isOk()).as("%s → %s", s, printed).isTrue();
    // Go's parseSelector sorts the raw terms before parsing them, and "==" and "=" sort apart but print alike, so a
    // printed selector may list the same requirements in another order ("==-,=." → "=.,=-" → "=-,=.", as in Go):
    // the same requirements, and a fixed point from the second print on.
    assertThat(java.util.Set.copyOf(again.value().requirements())).as("%s → %s", s, printed)
        .isEqualTo(java.util.Set.copyOf(r.value().requirements()));
    String printedAgain = again.value().toString();
    assertThat(FieldSelector.parse(printedAgain).value()).as("%s → %s", printed, printedAgain).isEqualTo(again.value());
    assertThat(FieldSelector.parse(printedAgain).value().toString()).isEqualTo(printedAgain);
    // Conversion for a kind never throws: unknown labels are the apiserver's 400 (worded per kind).
    for (FieldLabels kind : List.of(CM_FIELDS, POD_FIELDS)) {
      Result<FieldSelector> converted = r.value().transform(kind);
      if (!converted.isOk()) {
        assertThat(converted.error().code()).isEqualTo(400);
      }
    }
  }

  // ---- continue tokens ---------------------------------------------------------------------

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> json = Arbitraries.of("{", "}", "\"v\":", "\"meta.k8s.io/v1\"", ",", "\"rv\":", "5", "-1", "0", "1e3", "\"5\"",
        "\"start\":", "\"c2\\u0000\"", "\"/c2\\u0000\"", "\"../x\"", "\"/\"", "\"\"", "\"a/../../b\"", "null", "[]", " ",
        "9223372036854775808", "\"\\ud800\"", "\"é\"").list().ofMaxSize(14).map(l -> String.join("", l));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, json.map(j -> Base64.getUrlEncoder().withoutPadding().encodeToString(j.getBytes(StandardCharsets.UTF_8)))),
        net.jqwik.api.Tuple.of(1, json.map(j -> Base64.getEncoder().encodeToString(j.getBytes(StandardCharsets.UTF_8)))),
        net.jqwik.api.Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(120).map(b -> Base64.getUrlEncoder().encodeToString(b))),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(80)),
        net.jqwik.api.Tuple.of(1, latin1()),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("eyJ2=-_+/!").ofMaxLength(100_000)));
  }

  @Property(tries = 1000)
  void continueTokensNeverThrowAndRejectWith400(@ForAll("tokens") String token) {
    for (String prefix : List.of("/registry/configmaps/", "/registry/configmaps/default/")) {
      Result<ContinueToken> r = ContinueToken.decode(token, prefix);
      if (r.isOk()) {
        assertThat(r.value().fromKey()).startsWith(prefix);
        assertThat(r.value().fromKey()).doesNotContain("/../");
      } else {
        assertThat(r.error().code()).isEqualTo(400);
        assertThat(r.error().message()).startsWith("invalid continue token: ");
      }
    }
  }

  /** RV 0 is not a valid start ({@code ErrInvalidStartRV}): tokens are minted only for RVs from 1. */
  @Property(tries = 1000)
  void continueTokensRoundTrip(@ForAll("keys") String rest, @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long rv,
      @ForAll boolean watchCacheForm) {
    String listKey = "/registry/configmaps";
    ContinueToken.Form form = watchCacheForm ? ContinueToken.Form.WATCH_CACHE : ContinueToken.Form.ETCD;
    String key = listKey + "/" + rest;
    Result<String> token = ContinueToken.next(form, listKey, key, rv);
    assertThat(token.isOk()).as(key).isTrue();
    Result<ContinueToken> back = ContinueToken.decode(token.value(), listKey + "/");
    assertThat(back.isOk()).as("%s → %s", key, token.value()).isTrue();
    assertThat(back.value()).isEqualTo(new ContinueToken(key + "\u0000", rv));
  }

  /** Store keys below a list key: namespace/name of valid names, at times with odd but legal characters. */
  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz0189-.").ofMinLength(1).ofMaxLength(63)
        .filter(n -> !n.equals(".") && !n.equals("..") && !n.startsWith("."));
    return Combinators.combine(name, name).as((ns, n) -> ns + "/" + n);
  }

  // ---- Accept headers ----------------------------------------------------------------------

  @Provide
  Arbitrary<String> accepts() {
    Arbitrary<String> tokens = Arbitraries.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf",
        "application/*", "*/*", "*", "text/plain", ";", ",", " ", "as=Table", "as=PartialObjectMetadata", "as=PartialObjectMetadataList",
        "v=v1", "v=v1beta1", "g=meta.k8s.io", "g=", "stream=watch", "q=0.9", "q=x", "=", "\"", "pretty=1", "profile=x", "é",
        "application/json;as=Table;v=v1;g=meta.k8s.io", "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
        .list().ofMaxSize(12).map(l -> String.join("", l));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, tokens), net.jqwik.api.Tuple.of(2, latin1()),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(100)), net.jqwik.api.Tuple.of(1, tokens.map(t -> t.repeat(300))));
  }

  @Property(tries = 1000)
  void negotiationNeverThrowsAndErrorsKeepTheirCode(@ForAll("accepts") String accept, @ForAll boolean builtIn, @ForAll boolean watch,
      @ForAll boolean pretty) {
    Negotiation.Representation rep = Negotiation.negotiate(accept, builtIn, watch);
    assertThat(rep).isNotNull();
    for (String verb : List.of("get", "list", "watch")) {
      Negotiation.servedFromCache(rep, verb);
      Negotiation.routeAccepts(accept, verb);
    }
    // An error Status is written in what the client accepts, or left to the upstream (YAML): its code never changes.
    for (ApiStatus s : List.of(ApiStatus.badRequest("x"), ApiStatus.unauthorized(), ApiStatus.forbidden("", "configmaps", "", "no"),
        ApiStatus.notAcceptable(Negotiation.MEDIA_TYPES))) {
      var encoded = ErrorBodies.encode(s, accept, pretty);
      assertThat(encoded.isPresent()).isEqualTo(ErrorBodies.negotiable(accept));
      encoded.ifPresent(e -> {
        assertThat(e.code()).isEqualTo(s.code());
        assertThat(e.body()).isNotEmpty();
      });
    }
  }

  // ---- bearer tokens -----------------------------------------------------------------------

  @Property(tries = 1000)
  void bearerTokensNeverThrowOnBytesAndNeverHoldSpaces(@ForAll("anything") String header) {
    BearerToken.parse(header).ifPresent(t -> {
      assertThat(t).isNotEmpty().doesNotContain(" ");
      assertThat(BearerToken.digest(t)).hasSize(64).isNotEqualTo(t);
    });
  }
}
