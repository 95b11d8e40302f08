package dev.breakwater.proxy.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How reads were answered: from a cache (by verb) or passed upstream. Counters for tests and,
 * later, metrics; thread-safe.
 */
public final class ReadStats {
  public final AtomicLong listsFromCache = new AtomicLong();
  public final AtomicLong getsFromCache = new AtomicLong();
  public final AtomicLong watchesFromCache = new AtomicLong();
  public final AtomicLong errorsAtEdge = new AtomicLong();
  public final AtomicLong passedUpstream = new AtomicLong();
  /** LISTs that joined an identical upstream request instead of sending their own. */
  public final AtomicLong coalesced = new AtomicLong();
}
