package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Reflector;
import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code n} reflectors on one collection that start at the same instant (released by one latch),
 * each on a virtual thread; {@link #syncAll} returns when every one has synced. They keep their
 * watches open until {@link #close}.
 */
final class Informers implements AutoCloseable {

  /** Per reflector: what it synced and when (nanoseconds since the common start). */
  record Sync(Reflector.Synced synced, long doneNanos) {}

  private final List<Reflector> reflectors = new ArrayList<>();

  Informers(Endpoint ep, String collection, Reflector.Mode mode, int n) {
    for (int i = 0; i < n; i++) {
      reflectors.add(new Reflector(ep, collection, mode));
    }
  }

  List<Sync> syncAll() throws IOException, InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Sync>> fs = new ArrayList<>();
    long[] start = new long[1];
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Reflector r : reflectors) {
        fs.add(ex.submit(() -> {
          go.await();
          Reflector.Synced s = r.sync();
          return new Sync(s, System.nanoTime() - start[0]);
        }));
      }
      Thread.sleep(50);
      start[0] = System.nanoTime();
      go.countDown();
      List<Sync> out = new ArrayList<>();
      for (Future<Sync> f : fs) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw new IOException("an informer failed to sync: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      reflectors.forEach(r -> ex.submit(r::close));
    }
  }
}
