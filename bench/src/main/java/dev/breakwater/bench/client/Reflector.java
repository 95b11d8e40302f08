package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * client-go's reflector, as far as the apiserver can tell, in raw HTTP: it syncs, then keeps a
 * watch open (events are read and dropped; the store of a real informer is not the point here).
 *
 * <ul>
 *   <li>{@link Mode#LIST_WATCH} (WatchListClient off): {@code LIST ?limit=500&resourceVersion=0}
 *       (the watch cache ignores the limit at RV=0 and answers everything; an etcd-path answer is
 *       paged with continue tokens), then {@code WATCH ?resourceVersion=<list RV>&allowWatchBookmarks=true}.
 *   <li>{@link Mode#WATCH_LIST} (WatchListClient on): {@code WATCH ?sendInitialEvents=true&
 *       resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true}, RV unset, synced at the
 *       {@code k8s.io/initial-events-end} bookmark; the same stream goes on as the watch.
 * </ul>
 */
public final class Reflector implements AutoCloseable {

  /** How the reflector syncs. */
  public enum Mode {
    LIST_WATCH("WatchListClient off"),
    WATCH_LIST("WatchListClient on");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** What the sync saw. */
  public record Synced(int objects, long bytes, long nanos) {}

  private final Endpoint ep;
  private final String collection;
  private final Mode mode;
  private Watch watch;

  /** {@code collection} is a collection path, e.g. {@code /api/v1/namespaces/bench/secrets}. */
  public Reflector(Endpoint ep, String collection, Mode mode) {
    this.ep = ep;
    this.collection = collection;
    this.mode = mode;
  }

  /** What {@link #listAll} read: items, bytes and the list's RV. */
  record PagedList(int objects, long bytes, String resourceVersion) {}

  /**
   * client-go's LIST with WatchListClient off: {@code ?limit=500&resourceVersion=0}, then its continue tokens (an
   * etcd-path answer is paged); each page bounded by {@code timeout}. A non-200 page is an IOException naming it.
   */
  static PagedList listAll(Endpoint ep, String collection, Duration timeout) throws IOException, InterruptedException {
    int objects = 0;
    long bytes = 0;
    String cont = "";
    String rv;
    do {
      String q = cont.isEmpty() ? "?limit=500&resourceVersion=0" : "?limit=500&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8);
      HttpResponse<InputStream> r = ep.http().send(ep.request(collection + q).timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      ListSummary s;
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new IOException("LIST " + collection + q + " via " + ep.arm() + ": HTTP " + r.statusCode() + " "
              + new String(in.readNBytes(500), StandardCharsets.UTF_8));
        }
        s = ListSummary.read(in);
      }
      objects += s.items();
      bytes += s.bytes();
      rv = s.resourceVersion();
      cont = s.continueToken();
    } while (!cont.isEmpty());
    return new PagedList(objects, bytes, rv);
  }

  /** Lists and watches; returns once synced, with the watch open and drained in the background. */
  public Synced sync() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    int objects = 0;
    long bytes = 0;
    if (mode == Mode.LIST_WATCH) {
      PagedList listed = listAll(ep, collection, Duration.ofMinutes(10));
      objects = listed.objects();
      bytes = listed.bytes();
      String rv = listed.resourceVersion();
      watch = Watch.open(ep, collection + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=600&resourceVersion=" + rv);
    } else {
      watch = Watch.open(ep, collection
          + "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=600");
      int[] added = new int[1];
      watch.readUntil(WatchEvent::initialEventsEnd, (e, at) -> {
        if (e.type().equals("ADDED")) {
          added[0]++;
        }
      });
      objects = added[0];
    }
    long nanos = System.nanoTime() - t0;
    watch.drainInBackground((e, at) -> { });
    return new Synced(objects, bytes, nanos);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
