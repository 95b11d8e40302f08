package dev.breakwater.config;

/**
 * The memory budget of what Breakwater holds for its clients ({@code --max-inflight-bytes},
 * {@code --max-watch-queue-bytes}); the semantics are cache-core's {@code admission} package.
 *
 * @param maxInflightBytes bytes handed to client connections and not yet written to their sockets (LIST
 *     chunks, encoded watch events), all clients together; beyond it new expensive reads get the
 *     apiserver's 429. {@link #DERIVED} (-1): a quarter of the JVM's max heap; 0: no limit
 * @param maxWatchQueueBytes bytes one watcher may hold (queued events plus unwritten encoded bytes)
 *     before it counts as blocked and, without progress for 100 ms, is closed as the apiserver closes
 *     an unresponsive watcher. {@link #DERIVED}: max heap / 512, between 256 KiB and 8 MiB; 0: no limit
 */
public record MemoryBudget(long maxInflightBytes, long maxWatchQueueBytes) {

  /** "Derive from the heap" (the flags' default). */
  public static final long DERIVED = -1;

  /** Both derived from the heap. */
  public static final MemoryBudget DEFAULT = new MemoryBudget(DERIVED, DERIVED);

  public static final long MIN_DERIVED_WATCH_QUEUE_BYTES = 256 * 1024;
  public static final long MAX_DERIVED_WATCH_QUEUE_BYTES = 8 * 1024 * 1024;

  public MemoryBudget {
    if (maxInflightBytes < DERIVED || maxWatchQueueBytes < DERIVED) {
      throw new IllegalArgumentException("byte budgets must not be negative");
    }
  }

  /** The global budget for a JVM whose max heap is {@code maxHeapBytes}; {@link Long#MAX_VALUE} = none. */
  public long inflightBytes(long maxHeapBytes) {
    if (maxInflightBytes == 0) {
      return Long.MAX_VALUE;
    }
    return maxInflightBytes == DERIVED ? Math.max(1, maxHeapBytes / 4) : maxInflightBytes;
  }

  /** The per-watcher budget for a JVM whose max heap is {@code maxHeapBytes}; {@link Long#MAX_VALUE} = none. */
  public long watchQueueBytes(long maxHeapBytes) {
    if (maxWatchQueueBytes == 0) {
      return Long.MAX_VALUE;
    }
    if (maxWatchQueueBytes == DERIVED) {
      return Math.clamp(maxHeapBytes / 512, MIN_DERIVED_WATCH_QUEUE_BYTES, MAX_DERIVED_WATCH_QUEUE_BYTES);
    }
    return maxWatchQueueBytes;
  }
}
