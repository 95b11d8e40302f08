package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * client-go's reflector loop ({@code ListAndWatch} with WatchListClient off), in raw HTTP, that
 * keeps going across an apiserver restart, on a virtual thread of its own: it lists
 * ({@code ?limit=500&resourceVersion=0}, paged with continue tokens if the answer is), then
 * watches from the list's RV with bookmarks and follows each event's RV. What it does when things
 * go wrong is client-go v0.36's {@code Reflector.watch} / {@code handleAnyWatch}:
 *
 * <ul>
 *   <li>the watch request fails to connect (connection refused, reset) or is answered 429: back
 *       off and watch again from the same RV (client-go's {@code isWatchErrorRetriable});
 *   <li>the watch request is answered anything else but 200 (410 Gone included), or the stream
 *       carries an {@code ERROR} event (410 "too old resource version" included): relist;
 *   <li>the stream ends (server closed it, EOF or a reset) after a second or after an event: watch
 *       again from the last RV; if it ends within a second with no event: relist (client-go's
 *       "very short watch").
 * </ul>
 *
 * A failed LIST is retried after the back-off. The back-off is client-go's reflector default: 800 ms
 * doubling to 30 s, plus up to 100 % jitter, reset once a watch has delivered an event.
 *
 * <p>Counters: {@link #lists()} counts LIST cycles (the first sync included), {@link #relists()}
 * those after the first sync; {@link #seenRv()} is the highest RV the loop has seen in a list or an
 * event (bookmarks included), which a caller compares with a write's RV to know the write reached it.
 *
 * <p>Threads: the loop's virtual thread alone sends requests and writes the counters (atomics,
 * read by any thread). Bad input (a body that is not a list, a line that is not a watch event) is
 * treated as a failed LIST (retried) or a failed watch (relist).
 */
public final class ListWatchLoop implements AutoCloseable {

  static final long BACKOFF_START_MS = 800;
  static final long BACKOFF_MAX_MS = 30_000;

  private final Endpoint ep;
  private final String collection;
  private final AtomicLong lists = new AtomicLong();
  private final AtomicLong watches = new AtomicLong();
  private final AtomicLong seenRv = new AtomicLong();
  private final CountDownLatch synced = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile InputStream current;
  private volatile Thread thread;
  private volatile long syncedNanos;
  private final long backoffStartMs;
  private long backoffMs;

  /** {@code collection} is a collection path, e.g. {@code /api/v1/namespaces/bench/podtemplates}. */
  public ListWatchLoop(Endpoint ep, String collection) {
    this(ep, collection, BACKOFF_START_MS);
  }

  /** With another initial back-off (tests). */
  ListWatchLoop(Endpoint ep, String collection, long backoffStartMs) {
    this.ep = ep;
    this.collection = collection;
    this.backoffStartMs = backoffStartMs;
    this.backoffMs = backoffStartMs;
  }

  /** Starts the loop; {@link #awaitSynced} returns once the first LIST is in and the first watch open. */
  public void start() {
    thread = Thread.ofVirtual().name("list-watch-loop").start(this::run);
  }

  /** Waits for the first sync; false on timeout. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return synced.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** {@link System#nanoTime()} of the first sync. */
  public long syncedNanos() {
    return syncedNanos;
  }

  public long lists() {
    return lists.get();
  }

  /** LIST cycles after the first sync. */
  public long relists() {
    return Math.max(0, lists.get() - 1);
  }

  /** WATCH requests answered 200. */
  public long watches() {
    return watches.get();
  }

  public long seenRv() {
    return seenRv.get();
  }

  private void run() {
    while (!closed) {
      String rv;
      try {
        lists.incrementAndGet();
        rv = list();
      } catch (IOException | RuntimeException e) {
        if (!backOff()) {
          return;
        }
        continue;
      } catch (InterruptedException e) {
        return;
      }
      watchLoop(rv);
      if (!closed && !backOff()) {
        return;
      }
    }
  }

  private String list() throws IOException, InterruptedException {
    String rv = Reflector.listAll(ep, collection, Duration.ofMinutes(5)).resourceVersion();
    seen(rv);
    return rv;
  }

  /** Watches from {@code rv} until a relist is due (returns) or the loop is closed. */
  private void watchLoop(String rv) {
    while (!closed) {
      int timeout = 300 + ThreadLocalRandom.current().nextInt(300); // client-go: minWatchTimeout × [1, 2)
      HttpResponse<InputStream> r;
      try {
        r = ep.http().send(ep.request(collection + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + timeout
            + "&resourceVersion=" + rv).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        // Connection refused or reset before an answer: retriable, same RV.
        if (!backOff()) {
          return;
        }
        continue;
      } catch (InterruptedException e) {
        return;
      }
      if (r.statusCode() != 200) {
        closeQuietly(r.body());
        if (r.statusCode() == 429) {
          if (!backOff()) {
            return;
          }
          continue;
        }
        return; // 410 and every other error: relist
      }
      watches.incrementAndGet();
      if (synced.getCount() > 0) {
        syncedNanos = System.nanoTime();
        synced.countDown();
      }
      long t0 = System.nanoTime();
      int events = 0;
      InputStream body = r.body();
      current = body;
      try {
        EventLines lines = new EventLines(body);
        while (!closed) {
          int len = lines.next();
          if (len < 0) {
            break;
          }
          WatchEvent e = WatchEvent.parse(lines.buffer(), lines.offset(), len);
          if (e.isError()) {
            return; // relist
          }
          events++;
          backoffMs = backoffStartMs;
          if (!e.resourceVersion().isEmpty()) {
            rv = e.resourceVersion();
            seen(rv);
          }
        }
      } catch (IOException | RuntimeException e) {
        // the stream broke (apiserver gone): as an end
      } finally {
        current = null;
        closeQuietly(body);
      }
      if (closed) {
        return;
      }
      if (events == 0 && System.nanoTime() - t0 < 1_000_000_000L) {
        return; // very short watch: relist
      }
    }
  }

  private void seen(String rv) {
    try {
      long v = Long.parseLong(rv);
      seenRv.accumulateAndGet(v, Math::max);
    } catch (NumberFormatException e) {
      // not a number: not comparable, ignored
    }
  }

  /** Sleeps the back-off and doubles it; false when closed meanwhile. */
  private boolean backOff() {
    long d = backoffMs + ThreadLocalRandom.current().nextLong(backoffMs + 1);
    backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      return false;
    }
    return !closed;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing a cancelled stream
    }
  }

  @Override
  public void close() {
    closed = true;
    InputStream in = current;
    if (in != null) {
      closeQuietly(in);
    }
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
