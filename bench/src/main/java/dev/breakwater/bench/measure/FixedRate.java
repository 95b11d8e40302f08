package dev.breakwater.bench.measure;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * An open-loop load at a fixed rate: request {@code k} is due at {@code start + k / rate} and runs
 * on its own virtual thread, whatever the earlier ones are doing; its latency counts from when it
 * was due, so a stalled server shows in the tail instead of slowing the load down (no coordinated
 * omission).
 */
public final class FixedRate {

  /**
   * One request, due at {@code dueNanos}: returns {@link System#nanoTime()} at the end of the part
   * to time (usually the response; the first page of a page walk), or throws when it failed.
   */
  @FunctionalInterface
  public interface Request {
    long call(long dueNanos) throws Exception;
  }

  /** What the run saw: latencies of successful requests, counts of all and of failed ones. */
  public record Result(ConcurrentHistogram latency, long sent, long failed, String firstFailure) {}

  private FixedRate() {}

  public static Result run(double perSecond, Duration duration, Request request) throws InterruptedException {
    ConcurrentHistogram h = Latency.concurrent();
    AtomicLong failed = new AtomicLong();
    String[] firstFailure = new String[1];
    long periodNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    long n = Math.max(1, (long) (perSecond * duration.toNanos() / 1e9));
    long start = System.nanoTime();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (long k = 0; k < n; k++) {
        long due = start + k * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(Duration.ofNanos(wait));
        }
        ex.submit(() -> {
          try {
            long end = request.call(due);
            Latency.recordNanos(h, end - due);
          } catch (Exception e) {
            failed.incrementAndGet();
            synchronized (firstFailure) {
              if (firstFailure[0] == null) {
                firstFailure[0] = e.toString();
              }
            }
          }
        });
      }
    }
    return new Result(h, n, failed.get(), firstFailure[0]);
  }
}
