package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many watches of one collection, read as cheaply as the harness can: a Vert.x HTTP/1.1 client on
 * two event loops, one connection per watch, each event line scanned for its type and first
 * {@code "resourceVersion":"…"} (the object's, as the apiserver and Breakwater write
 * {@code {"type":…,"object":{"kind":…,"apiVersion":…,"metadata":{…,"resourceVersion":…}}}}) with
 * no JSON parser. The JDK client with a thread per watch cost more CPU than the servers under test
 * at 1000 watches × 100 events/s.
 */
public final class FanOutWatches implements AutoCloseable {

  private static final byte[] TYPE = "\"type\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RV = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODIFIED = "MODIFIED".getBytes(StandardCharsets.US_ASCII);

  /**
   * One watch's MODIFIED events: (resourceVersion, nanoTime) pairs, written by its event loop
   * only. The arrays are written before the volatile count, so a reader that reads the count
   * first sees at least that many entries.
   */
  public static final class Received {
    long[] rv = new long[1024];
    long[] at = new long[1024];
    volatile int n;
    volatile boolean ended;
    private byte[] line = new byte[4096];
    private int len;

    void add(long r, long t) {
      if (n == rv.length) {
        rv = Arrays.copyOf(rv, n * 2);
        at = Arrays.copyOf(at, n * 2);
      }
      rv[n] = r;
      at[n] = t;
      n = n + 1;
    }

    public int count() {
      return n;
    }

    public long resourceVersion(int i) {
      return rv[i];
    }

    public long receivedNanos(int i) {
      return at[i];
    }

    public long last() {
      int k = n;
      return k == 0 ? 0 : rv[k - 1];
    }

    public boolean ended() {
      return ended;
    }

    void feed(Buffer b) {
      long now = System.nanoTime();
      int size = b.length();
      for (int i = 0; i < size; i++) {
        byte c = b.getByte(i);
        if (c == '\n') {
          event(now);
          len = 0;
        } else {
          if (len == line.length) {
            line = Arrays.copyOf(line, len * 2);
          }
          line[len++] = c;
        }
      }
    }

    private void event(long now) {
      int t = indexOf(line, len, TYPE, 0);
      if (t < 0 || !startsWith(line, len, t + TYPE.length, MODIFIED)) {
        return;
      }
      int r = indexOf(line, len, RV, 0);
      if (r < 0) {
        return;
      }
      long v = 0;
      for (int i = r + RV.length; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
        v = v * 10 + (line[i] - '0');
      }
      add(v, now);
    }
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Endpoint ep;
  private final List<Received> received = new ArrayList<>();

  public FanOutWatches(Endpoint ep, int connections) {
    this.ep = ep;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    HttpClientOptions o = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true)
        .setConnectTimeout(10_000).setIdleTimeout(0).setDefaultHost(ep.base().getHost()).setDefaultPort(ep.base().getPort());
    if (ep.base().getScheme().equals("https")) {
      o.setSsl(true);
      ep.trust().ifPresent(tm -> o.setTrustOptions(TrustOptions.wrap(tm)));
    }
    this.client = vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(connections + 10).setMaxWaitQueueSize(-1));
  }

  /** Opens {@code n} watches of {@code pathAndQuery}, {@code parallel} connecting at a time; returns once all answered 200. */
  public void open(String pathAndQuery, int n, int parallel) throws IOException, InterruptedException {
    List<Future<?>> opened = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Received x = new Received();
      received.add(x);
      RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setURI(pathAndQuery).putHeader("Accept", "application/json");
      ep.bearer().ifPresent(t -> ro.putHeader("Authorization", "Bearer " + t));
      // The response step nested in the send step: it then runs in the task that delivers the head, before any
      // event can go by unhandled (chained from this thread, it may run after; see proxy's WholeAnswer).
      opened.add(client.request(ro).compose(req -> req.send().compose(resp -> {
        if (resp.statusCode() != 200) {
          return resp.body().compose(b -> Future.failedFuture("watch via " + ep.arm() + ": HTTP " + resp.statusCode() + " " + b));
        }
        resp.handler(x::feed);
        resp.endHandler(v -> x.ended = true);
        resp.exceptionHandler(e -> x.ended = true);
        return Future.<Void>succeededFuture();
      })));
      if (opened.size() % parallel == 0) {
        await(opened.subList(opened.size() - parallel, opened.size()));
      }
    }
    await(opened);
  }

  private static void await(List<Future<?>> fs) throws IOException, InterruptedException {
    try {
      Future.all(new ArrayList<>(fs)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("opening watches: " + (e.getCause() != null ? e.getCause().getMessage() : e), e);
    }
  }

  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    try {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    }
  }

  static int indexOf(byte[] hay, int len, byte[] needle, int from) {
    outer:
    for (int i = from; i <= len - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static boolean startsWith(byte[] hay, int len, int at, byte[] prefix) {
    if (at + prefix.length > len) {
      return false;
    }
    for (int j = 0; j < prefix.length; j++) {
      if (hay[at + j] != prefix[j]) {
        return false;
      }
    }
    return true;
  }
}
