package dev.breakwater.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.CacheWatcher;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.cacher.CacheReads;
import dev.breakwater.cache.cacher.ResourceCodecs;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.negotiation.Negotiation;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.watch.WatchEvent;
import dev.breakwater.proxy.metrics.ProxyMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read exchanges on a Vert.x server in this JVM, against a fake {@link CacheReads} over an
 * in-memory {@link WatchCache} and a fake upstream (no apiserver): what each plan becomes on the
 * wire — bodies, Statuses, delegations — for LIST, GET and WATCH. Waits that would time out are
 * failed futures, so nothing here waits on a clock. (Byte-for-byte parity with the apiserver is the
 * e2e differential tests'.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExchangesTest {

  static final FieldLabels FIELDS = FieldLabels.forKind("", "ConfigMap");
  static final ObjectExtractor EXTRACTOR = new ObjectExtractor(FIELDS.jsonPaths());

  Vertx vertx;
  HttpClient client;
  int port;
  FakeCache cache;
  final ReadStats stats = new ReadStats();
  final ProxyMetrics metrics = new ProxyMetrics();
  /** --serve-stale-on-outage of the edge {@link #start} makes. */
  dev.breakwater.cache.delegator.StaleReads staleReads = dev.breakwater.cache.delegator.StaleReads.OFF;
  /** URIs handed upstream. */
  final ConcurrentLinkedQueue<String> delegated = new ConcurrentLinkedQueue<>();
  /** The edge's consistent-read budget. */
  long budgetMs = 5;
  ClientMemory memory = ClientMemory.UNLIMITED;

  /** The port over a real WatchCache; waits the cache could not satisfy at once fail at once. */
  static final class FakeCache implements CacheReads {
    final WatchCache cache = new WatchCache(Clock.systemUTC());
    final ServingPath path;
    /** What a consistent read's freshness wait gives. */
    volatile CompletableFuture<Long> fresh = CompletableFuture.failedFuture(new TimeoutException("no probe"));
    /** How long the upstream feed has been unavailable. */
    volatile java.time.Duration unavailableFor = java.time.Duration.ZERO;
    /** The {@code progress} argument of each consistent read's {@link #fresh(long, boolean)}, in order. */
    final ConcurrentLinkedQueue<Boolean> freshCalls = new ConcurrentLinkedQueue<>();

    FakeCache(ServingPath path) {
      this.path = path;
    }

    @Override
    public ServingPath path() {
      return path;
    }

    @Override
    public ResourceScope scope() {
      return new ResourceScope("/registry/configmaps", true, FIELDS, EXTRACTOR);
    }

    @Override
    public CacheState state() {
      boolean ready = cache.ready().state() == dev.breakwater.cache.Ready.State.READY;
      long rv = cache.resourceVersion();
      return new CacheState() {
        public boolean ready() {
          return ready;
        }

        public long resourceVersion() {
          return rv;
        }

        public boolean hasSnapshotAtOrBelow(long r) {
          return cache.hasSnapshotAtOrBelow(r);
        }

        public ApiStatus unreadyStatus() {
          return cache.ready().unreadyStatus();
        }

        public java.time.Duration upstreamUnavailableFor() {
          return unavailableFor;
        }
      };
    }

    final ResourceCodecs codecs = ResourceCodecs.json("ConfigMap", "v1", true, EXTRACTOR);

    @Override
    public ResourceCodecs codecs() {
      return codecs;
    }

    @Override
    public String groupResource() {
      return "configmaps";
    }

    @Override
    public ApiStatus notFound(String name) {
      return ApiStatus.notFound("", "configmaps", name);
    }

    @Override
    public CompletableFuture<?> whenReady() {
      return state().ready() ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(new TimeoutException());
    }

    @Override
    public CompletableFuture<Long> fresh(long arrivalNanos) {
      return fresh(arrivalNanos, true);
    }

    @Override
    public CompletableFuture<Long> fresh(long arrivalNanos, boolean progress) {
      freshCalls.add(progress);
      return fresh;
    }

    @Override
    public CompletableFuture<Long> whenFresh(long rv) {
      return Long.compareUnsigned(cache.resourceVersion(), rv) >= 0 ? CompletableFuture.completedFuture(cache.resourceVersion())
          : CompletableFuture.failedFuture(new TimeoutException());
    }

    @Override
    public ApiStatus tooLargeResourceVersion(long rv) {
      return cache.tooLargeResourceVersion(rv);
    }

    @Override
    public Result<WatchCache.ListResult> list(WatchCache.ListRequest request) {
      return cache.list(request);
    }

    @Override
    public Result<WatchCache.GetResult> get(String key, long min) {
      return cache.get(key, min);
    }

    @Override
    public Result<CacheWatcher> watch(WatchCache.WatchRequest request, WatchSink sink) {
      return cache.watch(request, sink);
    }

    @Override
    public Result<List<WatchEvent>> eventsSince(long rv) {
      return cache.eventsSince(rv);
    }
  }

  /** A ConfigMap as the cache keeps built-ins (bare: no TypeMeta). */
  static CachedObject cm(String ns, String name, long rv) {
    String json = "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"resourceVersion\":\"" + rv
        + "\"},\"data\":{\"k\":\"v\"}}";
    return EXTRACTOR.extract(json.getBytes(StandardCharsets.UTF_8)).value();
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    cache.cache.stop();
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A server that runs every request as the exchange of its verb, in JSON, against {@code cache}. */
  void start(FakeCache c, boolean seed) {
    cache = c;
    if (seed) {
      c.cache.replace(List.of(cm("default", "a", 5), cm("default", "b", 7), cm("other", "c", 9)), 10);
    }
    InstantSource clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    ReadEdge edge = new ReadEdge((req, arrival) -> {
      delegated.add(req.uri());
      req.response().setStatusCode(299).end("upstream");
    }, stats, metrics, new InFlight(), clock, () -> 0.5, staleReads, budgetMs, memory);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      RequestInfo info = RequestInfo.parse("GET", req.path(), req.query());
      var rep = Negotiation.negotiate(req.getHeader("Accept"), true, info.verb().equals("watch"));
      var ctx = vertx.getOrCreateContext();
      ReadExchange<?> x = switch (info.verb()) {
        case "list" -> new ListExchange(req, ctx, info, c, edge, rep, null, System.nanoTime(), false);
        case "watch" -> new WatchExchange(req, ctx, info, c, edge, rep, null, System.nanoTime(), false, false);
        default -> new GetExchange(req, ctx, info, c, edge, rep, null, System.nanoTime(), false);
      };
      x.run();
    }).listen(0, "127.0.0.1").await();
    port = server.actualPort();
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * While the bytes held for clients are over --max-inflight-bytes: unpaginated LISTs, big pages and WatchLists get
   * the apiserver's overload answer (APF's http.Error: text/plain, nosniff, Retry-After: 1 — whatever the Accept),
   * counted; GETs, small pages and watches from an RV are served; once the bytes are written, everything is again.
   */
  @Test
  void overTheMemoryBudgetExpensiveReadsGetTheApiserversOverload429AndCheapOnesAreServed() throws Exception {
    var account = new dev.breakwater.cache.admission.BytesInFlight(1000);
    memory = new ClientMemory(new dev.breakwater.cache.admission.Admission(account),
        new dev.breakwater.cache.admission.WatcherBudget(1 << 20, account));
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    account.acquire(1000);
    // RV=0 ignores limit (the watch cache answers the whole list): expensive whatever the limit.
    for (String q : List.of("?resourceVersion=0", "?resourceVersion=0&limit=2", "?watch=1&resourceVersion=0",
        "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersion=0&resourceVersionMatch=NotOlderThan")) {
      for (String accept : new String[] {"application/json", "application/vnd.kubernetes.protobuf"}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/api/v1/namespaces/default/configmaps" + q)).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(q).isEqualTo(429);
        assertThat(r.body()).isEqualTo("Too many requests, please try again later.\n");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache, private");
        assertThat(r.headers().firstValue("Audit-Id")).isPresent();
        assertThat(r.headers().firstValue("Content-Length")).contains("43");
      }
    }
    assertThat(metrics.admissionRejections("list", "configmaps")).isEqualTo(4);
    assertThat(metrics.admissionRejections("watch", "configmaps")).isEqualTo(4);
    HttpResponse<String> page = get("/api/v1/namespaces/default/configmaps?resourceVersion=10&resourceVersionMatch=Exact&limit=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("\"continue\":\"");
    assertThat(get("/api/v1/namespaces/default/configmaps/a?resourceVersion=0").statusCode()).isEqualTo(200);
    HttpResponse<java.io.InputStream> fromRv = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=10")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(fromRv.statusCode()).isEqualTo(200);
    fromRv.body().close();
    account.release(1000);
    HttpResponse<String> list = get("/api/v1/namespaces/default/configmaps?resourceVersion=0");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"name\":\"a\"", "\"name\":\"b\"");
    // the LIST's chunks were charged while in flight and released once written
    for (int i = 0; i < 500 && account.used() > 0; i++) {
      Thread.sleep(10); // the write completions run on the server's event loop
    }
    assertThat(account.used()).isZero();
    assertThat(delegated).isEmpty();
  }

  @Test
  void getServesTheObjectWithItsTypeMetaOrTheApiserversNotFound() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps/a?resourceVersion=0");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).isEqualTo("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"namespace\":\"default\","
        + "\"resourceVersion\":\"5\"},\"data\":{\"k\":\"v\"}}\n");
    assertThat(stats.getsFromCache).hasValue(1);

    HttpResponse<String> missing = get("/api/v1/namespaces/default/configmaps/nope?resourceVersion=0");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"message\":\"configmaps \\\"nope\\\" not found\"", "\"reason\":\"NotFound\"");
    assertThat(delegated).isEmpty();
  }

  @Test
  void getPlansThatDelegateGoUpstream() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    assertThat(get("/api/v1/namespaces/default/configmaps/a?resourceVersion=abc").statusCode()).isEqualTo(299);
    // consistent, freshness not confirmed: upstream (the apiserver falls back to etcd)
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(299);
    // confirmed: served
    cache.fresh = CompletableFuture.completedFuture(10L);
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(200);
    assertThat(delegated).hasSize(2);
  }

  /**
   * --serve-stale-on-outage: a consistent read whose probe was refused, on a feed unavailable for ≥ 5 s, is served
   * from the cache with the Warning and counted as served=stale; a probe that timed out (slow upstream), a short
   * outage, or the flag off send it upstream; RV=0 reads never carry the Warning.
   */
  @Test
  void consistentReadsDuringAnOutageAreServedStaleOnlyWithTheFlag() throws Exception {
    staleReads = dev.breakwater.cache.delegator.StaleReads.onOutage(true);
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    String warning = "299 - \"served from cache while the upstream is unavailable: may be stale (resourceVersion 10)\"";
    cache.fresh = CompletableFuture.failedFuture(new java.util.concurrent.CompletionException(new java.net.ConnectException("Connection refused")));
    cache.unavailableFor = java.time.Duration.ofSeconds(3);
    assertThat(get("/api/v1/namespaces/default/configmaps").statusCode()).as("a 3 s blip").isEqualTo(299);
    cache.unavailableFor = java.time.Duration.ofSeconds(30);
    HttpResponse<String> list = get("/api/v1/namespaces/default/configmaps");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("Warning")).contains(warning);
    assertThat(list.body()).contains("\"resourceVersion\":\"10\"", "\"name\":\"a\"", "\"name\":\"b\"");
    HttpResponse<String> got = get("/api/v1/namespaces/default/configmaps/a");
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Warning")).contains(warning);
    HttpResponse<java.io.InputStream> watchList = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps?watch=1")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(watchList.statusCode()).isEqualTo(200);
    assertThat(watchList.headers().firstValue("Warning")).contains(warning);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(watchList.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).startsWith("{\"type\":\"ADDED\"").contains("\"name\":\"a\"");
    }
    HttpResponse<String> rv0 = get("/api/v1/namespaces/default/configmaps?resourceVersion=0");
    assertThat(rv0.statusCode()).isEqualTo(200);
    assertThat(rv0.headers().firstValue("Warning")).isEmpty();
    cache.fresh = CompletableFuture.failedFuture(new TimeoutException());
    assertThat(get("/api/v1/namespaces/default/configmaps").statusCode()).as("a slow upstream").isEqualTo(299);
    assertThat(delegated).hasSize(2);
    assertThat(List.of(metrics.requests("list", "configmaps", "stale"), metrics.requests("get", "configmaps", "stale"),
        metrics.requests("watch", "configmaps", "stale"))).containsExactly(1.0, 1.0, 1.0);
  }

  @Test
  void withoutTheFlagAnOutageSendsConsistentReadsUpstream() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    cache.fresh = CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"));
    cache.unavailableFor = java.time.Duration.ofMinutes(5);
    HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps");
    assertThat(r.statusCode()).isEqualTo(299);
    assertThat(r.headers().firstValue("Warning")).isEmpty();
    assertThat(delegated).hasSize(1);
  }

  @Test
  void smallConsistentReadsNotProvenWithinTheBudgetGoUpstreamLargeOnesWaitForTheProof() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    cache.fresh = new CompletableFuture<>(); // never proven
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(299);
    assertThat(get("/api/v1/namespaces/default/configmaps?limit=500").statusCode()).isEqualTo(299);
    // small reads wait only their budget and demand no upstream bookmarks
    assertThat(cache.freshCalls).containsExactly(false, false);
    assertThat(delegated).containsExactly("/api/v1/namespaces/default/configmaps/a", "/api/v1/namespaces/default/configmaps?limit=500");
    // proven within the budget: served from the cache
    cache.fresh = CompletableFuture.completedFuture(10L);
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/default/configmaps?limit=500").statusCode()).isEqualTo(200);
    // large reads (unpaginated, limit above 500) wait for the proof, demanding bookmarks
    cache.freshCalls.clear();
    assertThat(get("/api/v1/namespaces/default/configmaps").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/default/configmaps?limit=501").statusCode()).isEqualTo(200);
    assertThat(cache.freshCalls).containsExactly(true, true);
    assertThat(delegated).hasSize(2);
  }

  @Test
  void withoutABudgetSmallConsistentReadsGoUpstreamWithoutProbing() throws Exception {
    budgetMs = 0;
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    cache.fresh = CompletableFuture.completedFuture(10L);
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(299);
    assertThat(get("/api/v1/namespaces/default/configmaps?limit=5").statusCode()).isEqualTo(299);
    assertThat(cache.freshCalls).isEmpty();
    // RV=0 and large consistent reads are still the cache's
    assertThat(get("/api/v1/namespaces/default/configmaps/a?resourceVersion=0").statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/default/configmaps").statusCode()).isEqualTo(200);
    assertThat(delegated).hasSize(2);
  }

  @Test
  void aBudgetLongerThanTheBookmarkTickDemandsProgress() throws Exception {
    budgetMs = 3_000;
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    cache.fresh = CompletableFuture.completedFuture(10L);
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).isEqualTo(200);
    assertThat(cache.freshCalls).containsExactly(true);
  }

  /** --serve-stale-on-outage with no budget: during an outage a small read probes (and is served stale) instead of going upstream. */
  @Test
  void withoutABudgetSmallConsistentReadsDuringAnOutageAreServedStale() throws Exception {
    budgetMs = 0;
    staleReads = dev.breakwater.cache.delegator.StaleReads.onOutage(true);
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    cache.fresh = CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused"));
    cache.unavailableFor = java.time.Duration.ofSeconds(3);
    assertThat(get("/api/v1/namespaces/default/configmaps/a").statusCode()).as("a 3 s blip: upstream at once").isEqualTo(299);
    assertThat(cache.freshCalls).isEmpty();
    cache.unavailableFor = java.time.Duration.ofSeconds(30);
    HttpResponse<String> got = get("/api/v1/namespaces/default/configmaps/a");
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Warning")).hasValueSatisfying(w -> assertThat(w).contains("may be stale"));
    assertThat(get("/api/v1/namespaces/default/configmaps?limit=5").headers().firstValue("Warning")).isPresent();
    assertThat(cache.freshCalls).containsExactly(true, true);
    assertThat(delegated).hasSize(1);
  }

  @Test
  void listRv0IgnoresLimitOnTheWatchCachePath() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    HttpResponse<String> r = get("/api/v1/configmaps?resourceVersion=0&limit=1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"10\"},\"items\":[")
        .contains("\"name\":\"a\"", "\"name\":\"b\"", "\"name\":\"c\"").doesNotContain("continue");
    assertThat(stats.listsFromCache).hasValue(1);
  }

  @Test
  void listPagesCarryTheApiserversContinueToken() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    HttpResponse<String> r = get("/api/v1/namespaces/default/configmaps?resourceVersion=10&limit=1");
    assertThat(r.statusCode()).isEqualTo(200);
    // {"v":"meta.k8s.io/v1","rv":10,"start":"/a\u0000"}, base64 RawURL
    assertThat(r.body()).contains("\"continue\":\"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTAsInN0YXJ0IjoiL2FcdTAwMDAifQ\"",
        "\"remainingItemCount\":1");
  }

  @Test
  void listErrorsAreTheApiserversStatuses() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    HttpResponse<String> tooLarge = get("/api/v1/configmaps?resourceVersion=700");
    assertThat(tooLarge.statusCode()).isEqualTo(504);
    assertThat(tooLarge.body()).contains("Timeout: Too large resource version: 700, current: 10");
    assertThat(tooLarge.headers().firstValue("Retry-After")).contains("1");
    HttpResponse<String> badSelector = get("/api/v1/configmaps?labelSelector=a%20in");
    assertThat(badSelector.statusCode()).isEqualTo(400);
    HttpResponse<String> invalid = get("/api/v1/configmaps?resourceVersionMatch=Exact");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(stats.errorsAtEdge).hasValue(3);
    assertThat(delegated).isEmpty();
    // etcd path, RV ahead: upstream at once
    tearDown();
    setUp();
    start(new FakeCache(ServingPath.ETCD), true);
    assertThat(get("/api/v1/configmaps?resourceVersion=700").statusCode()).isEqualTo(299);
  }

  @Test
  void anUnreadyCacheAnswers429AfterTheWaitOrSendsPaginatedListsUpstream() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), false);
    HttpResponse<String> r = get("/api/v1/configmaps?resourceVersion=0");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).contains("storage is (re)initializing");
    assertThat(get("/api/v1/configmaps?limit=500").statusCode()).isEqualTo(299);
  }

  @Test
  void watchesStreamTheInitialStateOrGoUpstreamWhenTooOld() throws Exception {
    start(new FakeCache(ServingPath.WATCH_CACHE), true);
    HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      lines.add(in.readLine());
      lines.add(in.readLine());
    }
    assertThat(lines).allMatch(l -> l.startsWith("{\"type\":\"ADDED\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\""));
    assertThat(lines.get(0)).contains("\"name\":\"a\"");
    assertThat(lines.get(1)).contains("\"name\":\"b\"");
    assertThat(stats.watchesFromCache).hasValue(1);
    // an RV before the cache's window: upstream, whose history may reach further
    assertThat(get("/api/v1/configmaps?watch=1&resourceVersion=3").statusCode()).isEqualTo(299);
    // sendInitialEvents=false from RV 0: served from the cache's RV, with no initial state
    HttpResponse<java.io.InputStream> fromNow = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/v1/configmaps?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=0")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(fromNow.statusCode()).isEqualTo(200);
    fromNow.body().close();
    assertThat(stats.watchesFromCache).hasValue(2);
  }
}
