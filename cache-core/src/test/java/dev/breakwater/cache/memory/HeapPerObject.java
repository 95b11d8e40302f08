package dev.breakwater.cache.memory;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the heap a WatchCache holds per cached object against the object's JSON size, on a
 * realistic mix (see {@link RealisticObjects}). Run in a fresh JVM (by HeapPerObjectTest) with the
 * serial collector so that "heap used after a full GC" is exact. Prints one line:
 * {@code objects=N jsonBytes=B heapBytes=H ratio=R}.
 */
public final class HeapPerObject {

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    ObjectExtractor extractor = new ObjectExtractor(List.of("spec.nodeName", "status.phase", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "status.podIP", "type"));
    RealisticObjects gen = new RealisticObjects(42);
    WatchCache cache = new WatchCache(Clock.systemUTC());
    long before = usedAfterGc();
    List<CachedObject> objects = new ArrayList<>(n);
    long jsonBytes = 0;
    for (int i = 0; i < n; i++) {
      byte[] json = gen.next(i);
      jsonBytes += json.length;
      objects.add(((Result.Ok<CachedObject>) extractor.extract(json)).value());
    }
    cache.replace(objects, 1_000_000);
    objects = null;
    long after = usedAfterGc();
    long heap = after - before;
    // Keep the cache reachable until measured.
    if (cache.current().store().size() != n) {
      throw new IllegalStateException("cache holds " + cache.current().store().size());
    }
    System.out.printf("objects=%d jsonBytes=%d heapBytes=%d ratio=%.3f%n", n, jsonBytes, heap, (double) heap / jsonBytes);
  }

  static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
