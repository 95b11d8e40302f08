package dev.breakwater.proxy.http;

import dev.breakwater.cache.admission.Admission;
import dev.breakwater.cache.admission.BytesInFlight;
import dev.breakwater.cache.admission.WatcherBudget;
import dev.breakwater.config.MemoryBudget;

/**
 * What the read exchanges may hold for their clients ({@code --max-inflight-bytes},
 * {@code --max-watch-queue-bytes}): the global account every LIST chunk and encoded watch event is
 * charged to until its socket write completes, the admission decision made from it, and the
 * per-watcher budget given to every watch sink. The semantics are cache-core's
 * {@code admission} package; this only wires one instance per server.
 */
public record ClientMemory(Admission admission, WatcherBudget watcherBudget) {

  /** No limits (tests). */
  public static final ClientMemory UNLIMITED = new ClientMemory(Admission.unlimited(), WatcherBudget.UNLIMITED);

  /** The budget of {@code m} for a JVM whose max heap is {@code maxHeapBytes} (defaults derived from it). */
  public static ClientMemory of(MemoryBudget m, long maxHeapBytes) {
    BytesInFlight account = new BytesInFlight(m.inflightBytes(maxHeapBytes));
    long perWatcher = Math.min(m.watchQueueBytes(maxHeapBytes), WatcherBudget.UNLIMITED.maxBytes());
    return new ClientMemory(new Admission(account), new WatcherBudget(perWatcher, account));
  }

  public BytesInFlight inFlight() {
    return admission.inFlight();
  }
}
