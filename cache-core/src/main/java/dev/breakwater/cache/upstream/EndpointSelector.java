package dev.breakwater.cache.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the endpoint every upstream request goes to, among several apiservers of the same cluster (same etcd:
 * resource versions are etcd revisions, valid on each of them, KEP-5504), and moves to another one when the
 * current one fails. Endpoints are numbered {@code 0..n-1} in the order given; endpoint 0 is the first current one.
 *
 * <pre>
 *   HEALTHY ──connectFailed / 3rd unavailable in a row──► UNHEALTHY(since, cause) ──answered / checked(ready)──► HEALTHY
 *
 *   current: sticky. It changes only when the current endpoint turns UNHEALTHY: to the next HEALTHY endpoint after
 *   it in ring order, or, when none is healthy, to the next one in ring order anyway (a dead endpoint's health is
 *   stale; trying the others in turn is what a load balancer with every backend down does). An endpoint that comes
 *   back does not take the traffic back: the current one keeps it until it fails.
 * </pre>
 *
 * <p>Signals, from the requests themselves: {@link #connectFailed} — no connection could be made (refused, connect
 * timeout, unresolvable, TLS handshake failed): a hard signal, the endpoint is unhealthy at once; {@link
 * #unavailable} — the endpoint answered 502 or 503: a soft signal, {@value #SOFT_FAILURES} in a row (with no other
 * answer between them) make it unhealthy, because one apiserver answers 503 for a single aggregated API whose
 * backend is down while being fine for everything else; {@link #answered} — any other answer (2xx, 4xx, 500, 504:
 * those say nothing an apiserver of the same etcd would answer differently): healthy. And from health checks:
 * {@link #dueForCheck} names the unhealthy endpoints to probe ({@code /readyz}) now, every {@link #RECHECK_INTERVAL};
 * {@link #checked} records the result.
 *
 * <p>Bad input: an endpoint number outside {@code 0..n-1} is an {@link IndexOutOfBoundsException} (a bug of the
 * caller, never a client's input); a null cause is recorded as "unknown". An empty list of names is rejected by the
 * constructor.
 *
 * <p>Concurrency: called from any thread (event loops of requests, the health-check timer); every method is
 * synchronized, short and never blocks. The clock is injected.
 */
public final class EndpointSelector {

  /** 502/503 answers in a row that make an endpoint unhealthy. */
  public static final int SOFT_FAILURES = 3;

  /** How often an unhealthy endpoint is checked again. */
  public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);

  /** One endpoint's account; {@code unhealthySince} null and {@code cause} empty while healthy. */
  public record Status(String name, boolean healthy, Instant unhealthySince, String cause, boolean current) {}

  private final List<String> names;
  private final InstantSource clock;
  // @GuardedBy("this"): all arrays indexed by endpoint number
  private final Instant[] unhealthySince;
  private final String[] cause;
  private final int[] softFailures;
  private final Instant[] nextCheck;
  // @GuardedBy("this")
  private int current;
  // @GuardedBy("this")
  private long switches;

  public EndpointSelector(List<String> names, InstantSource clock) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no upstream endpoints");
    }
    this.names = List.copyOf(names);
    this.clock = Objects.requireNonNull(clock);
    int n = names.size();
    unhealthySince = new Instant[n];
    cause = new String[n];
    softFailures = new int[n];
    nextCheck = new Instant[n];
  }

  public int size() {
    return names.size();
  }

  public String name(int endpoint) {
    return names.get(endpoint);
  }

  /** The endpoint new requests go to. */
  public synchronized int current() {
    return current;
  }

  /** How often the current endpoint changed. */
  public synchronized long switches() {
    return switches;
  }

  /**
   * No connection to {@code endpoint} could be made: it is unhealthy; if it was the current one, the next one
   * takes over. Returns the current endpoint after the change (a request retries there unless it tried it already).
   */
  public synchronized int connectFailed(int endpoint, String why) {
    markUnhealthy(endpoint, why);
    if (endpoint == current) {
      switchFrom(endpoint);
    }
    return current;
  }

  /** {@code endpoint} answered 502 or 503. Returns the current endpoint after it. */
  public synchronized int unavailable(int endpoint, String why) {
    Objects.checkIndex(endpoint, names.size());
    if (++softFailures[endpoint] >= SOFT_FAILURES) {
      return connectFailed(endpoint, why);
    }
    return current;
  }

  /** {@code endpoint} answered something other than 502/503: it is healthy (it does not become current). */
  public synchronized void answered(int endpoint) {
    Objects.checkIndex(endpoint, names.size());
    softFailures[endpoint] = 0;
    unhealthySince[endpoint] = null;
    cause[endpoint] = null;
    nextCheck[endpoint] = null;
  }

  /**
   * The unhealthy endpoints whose check is due, in order; each is scheduled again {@link #RECHECK_INTERVAL} from
   * now, so a caller that asks again before then gets none of them twice.
   */
  public synchronized List<Integer> dueForCheck() {
    Instant now = clock.instant();
    List<Integer> due = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (unhealthySince[i] != null && !nextCheck[i].isAfter(now)) {
        due.add(i);
        nextCheck[i] = now.plus(RECHECK_INTERVAL);
      }
    }
    return due;
  }

  /** A health check of {@code endpoint} answered ready ({@code /readyz} 200), or not (with {@code why}). */
  public synchronized void checked(int endpoint, boolean ready, String why) {
    if (ready) {
      answered(endpoint);
    } else if (unhealthySince[Objects.checkIndex(endpoint, names.size())] != null) {
      cause[endpoint] = why == null ? "unknown" : why;
    } else {
      markUnhealthy(endpoint, why); // a healthy endpoint that is not ready: not a candidate until it is
    }
  }

  public synchronized boolean healthy(int endpoint) {
    return unhealthySince[Objects.checkIndex(endpoint, names.size())] == null;
  }

  /** Every endpoint's account, in order. */
  public synchronized List<Status> status() {
    List<Status> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.add(new Status(names.get(i), unhealthySince[i] == null, unhealthySince[i], cause[i] == null ? "" : cause[i], i == current));
    }
    return out;
  }

  private void markUnhealthy(int endpoint, String why) {
    Objects.checkIndex(endpoint, names.size());
    Instant now = clock.instant();
    if (unhealthySince[endpoint] == null) {
      unhealthySince[endpoint] = now;
      nextCheck[endpoint] = now.plus(RECHECK_INTERVAL);
    }
    cause[endpoint] = why == null ? "unknown" : why;
    softFailures[endpoint] = 0;
  }

  private void switchFrom(int failed) {
    int n = names.size();
    if (n == 1) {
      return;
    }
    int next = (failed + 1) % n;
    for (int k = 1; k < n; k++) {
      int candidate = (failed + k) % n;
      if (unhealthySince[candidate] == null) {
        next = candidate;
        break;
      }
    }
    current = next;
    switches++;
  }
}
