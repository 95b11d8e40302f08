package dev.breakwater.e2e.support;

import dev.breakwater.proxy.http.ReadStats;

/**
 * Who answered a read through Breakwater, from its {@link ReadStats} counters: {@code edge} (a
 * Status of Breakwater's own), {@code upstream} (passed on, or coalesced into an upstream LIST) or
 * {@code cache} (a LIST, GET or WATCH served from the cache). Take {@link #count} before a request
 * and {@link #since} after it.
 */
public record Answered(long edge, long upstream, long cache) {

  public static Answered count(ReadStats s) {
    return new Answered(s.errorsAtEdge.get(), s.passedUpstream.get() + s.coalesced.get(),
        s.listsFromCache.get() + s.getsFromCache.get() + s.watchesFromCache.get());
  }

  /** The counters' growth since {@code before}. */
  public static Answered since(ReadStats s, Answered before) {
    Answered now = count(s);
    return new Answered(now.edge - before.edge, now.upstream - before.upstream, now.cache - before.cache);
  }

  /** For a growth of one request: who answered it, or {@code ?} if no counter grew by one. */
  public String who() {
    return edge == 1 ? "edge" : upstream == 1 ? "upstream" : cache == 1 ? "cache" : "?";
  }

  @Override
  public String toString() {
    return "edge " + edge + ", upstream " + upstream + ", cache " + cache;
  }
}
