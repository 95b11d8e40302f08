package dev.breakwater.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.codec.TypeMeta;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.UpstreamListOptions;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.reflector.UpstreamWatchOptions;
import dev.breakwater.cache.reflector.WatchHandler;
import dev.breakwater.cache.reflector.WatchStream;
import dev.breakwater.cache.watch.EventType;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reflector's upstream LIST and WATCH over HTTP/1.1 against a fake upstream, for what the e2e suites cannot
 * provoke on purpose: a LIST page that never answers fails (and is retried) instead of hanging the cache's start, and
 * cancelling a watch the upstream already ended leaves the keep-alive connection to the next request (and the LIST
 * after a refused watch is answered: its answer was lost now and then while the body was read in a step chained from
 * the caller's thread, see WholeAnswerTest; the idle timeout bounds any such loss). The count of closed connections
 * passes with Vert.x 5.0.10 even without the guard against late resets (its reset of a request that ended before the
 * connection was reused is a no-op); the guard is for eclipse-vertx/vert.x#6294's order, a reset while the connection
 * already carries the next request, which a test cannot time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpListerWatcherTest {

  static final String FORBIDDEN = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
      + "\"configmaps is forbidden\",\"reason\":\"Forbidden\",\"details\":{\"kind\":\"configmaps\"},\"code\":403}";

  Vertx vertx;
  Upstream upstream;
  final AtomicInteger connectionsClosed = new AtomicInteger();
  volatile Consumer<HttpServerRequest> answer;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    HttpServer up = vertx.createHttpServer()
        .connectionHandler(c -> c.closeHandler(v -> connectionsClosed.incrementAndGet()))
        .requestHandler(req -> answer.accept(req)).listen(0, "127.0.0.1").await();
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + up.actualPort()).build();
    upstream = Upstream.create(vertx, config, Duration.ofSeconds(2), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  HttpListerWatcher lw(Duration listIdle) {
    return new HttpListerWatcher(upstream, "/api/v1/configmaps",
        HttpListerWatcher.WireFormat.json(new JsonFrames(new ObjectExtractor(List.of()), new TypeMeta("ConfigMap", "v1"))), listIdle);
  }

  @Test
  void aListPageThatNeverAnswersFailsAfterTheIdleTimeout() {
    answer = req -> { }; // headers never come
    long start = System.nanoTime();
    CompletableFuture<?> page = lw(Duration.ofMillis(300)).list(UpstreamListOptions.consistent(500));
    assertThat(page).failsWithin(Duration.ofSeconds(10)).withThrowableThat().isInstanceOf(ExecutionException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aListPageThatStopsMidBodyFailsAfterTheIdleTimeout() {
    answer = req -> req.response().setChunked(true).write("{\"kind\":\"ConfigMapList\",\"items\":[");
    CompletableFuture<?> page = lw(Duration.ofMillis(300)).list(UpstreamListOptions.consistent(500));
    assertThat(page).failsWithin(Duration.ofSeconds(10));
  }

  @Test
  void cancellingAWatchTheUpstreamRefusedLeavesTheConnectionToTheNextRequest() throws Exception {
    java.util.concurrent.ConcurrentLinkedQueue<String> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
    answer = req -> {
      seen.add(req.uri() + " conn=" + System.identityHashCode(req.connection()));
      req.response().setStatusCode(403).putHeader("Content-Type", "application/json").end(FORBIDDEN);
    };
    HttpListerWatcher lw = lw(Duration.ofSeconds(5));
    for (int i = 0; i < 20; i++) {
      CompletableFuture<UpstreamStatusException> refused = new CompletableFuture<>();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      AtomicReference<WatchStream> stream = new AtomicReference<>();
      stream.set(lw.watch(UpstreamWatchOptions.watchList(30), new WatchHandler() {
        public void onEvent(EventType type, CachedObject object) { }

        public void onBookmark(long resourceVersion, boolean initialEventsEnd) { }

        public void onError(UpstreamStatusException status) {
          refused.complete(status);
        }

        public void onClosed(Throwable failure) {
          closed.complete(null);
        }
      }));
      assertThat(refused.get(5, TimeUnit.SECONDS).code()).isEqualTo(403);
      closed.get(5, TimeUnit.SECONDS);
      // What the reflector does next: cancel the refused stream, then LIST (answered 403 here too).
      stream.get().cancel();
      CompletableFuture<?> list = lw.list(UpstreamListOptions.consistent(500));
      assertThat(list).as("iteration %d, upstream saw %s", i, seen).failsWithin(Duration.ofSeconds(8)).withThrowableThat().havingCause().isInstanceOfSatisfying(
          UpstreamStatusException.class, s -> assertThat(s.code()).isEqualTo(403));
    }
    Thread.sleep(200);
    assertThat(connectionsClosed.get()).as("keep-alive connections closed by a late reset").isZero();
  }
}
