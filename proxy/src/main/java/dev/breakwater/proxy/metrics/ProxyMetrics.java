package dev.breakwater.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Breakwater's metrics, in Prometheus text format on the admin listener's {@code /metrics}:
 * <ul>
 *   <li>{@code breakwater_requests_total{verb,resource,served}} — reads by how they were answered:
 *       {@code cache}, {@code waited} (from the cache after a wait), {@code upstream} (passed through),
 *       {@code coalesced}, {@code edge} (an error answered here) or {@code stale} (a consistent read served from
 *       the cache during an upstream outage, {@code --serve-stale-on-outage});
 *   <li>{@code breakwater_upstream_reads_total{verb,resource,reason}} — of those, the reads the cache's routing sent
 *       upstream, by why: {@code small-read}, {@code not-fresh}, {@code etcd-path}, {@code window}, {@code not-ready},
 *       {@code cache-down}, {@code apiserver-words}, {@code other} ({@code cache-core} {@code UpstreamReason});
 *   <li>{@code breakwater_upstream_requests_total{kind}} — requests Breakwater itself sends upstream:
 *       {@code passthrough}, {@code reflector} (LIST/WATCH of caches), {@code probe} (current-RV probes),
 *       {@code compaction-probe}, {@code consistency-check} (the Exact LIST pages of consistency checks),
 *       {@code discovery};
 *   <li>{@code breakwater_cache_consistency_checks_total{resource,result}} — consistency check rounds by
 *       result: {@code match}, {@code mismatch} (the cache was rebuilt), {@code skipped} (the revision was
 *       compacted upstream, or the cache was not ready), {@code error};
 *   <li>{@code breakwater_freshness_wait_seconds{resource}} — how long consistent reads waited for
 *       the cache (histogram);
 *   <li>{@code breakwater_cache_watchers{resource}}, {@code breakwater_cache_objects{resource}};
 *   <li>{@code breakwater_cache_upstream_available{resource}},
 *       {@code breakwater_cache_upstream_outage_seconds_total{resource}} — the cache's upstream feed;
 *   <li>{@code breakwater_admission_rejected_total{verb,resource}} — expensive reads (unpaginated LISTs,
 *       WatchLists) answered with the apiserver's overload 429 because the bytes held for clients were
 *       over {@code --max-inflight-bytes} (also counted as {@code served="edge"});
 *   <li>{@code breakwater_terminated_watchers_total{resource}} — watchers closed for being blocked past
 *       their budget (the apiserver's {@code apiserver_terminated_watchers_total});
 *   <li>{@code breakwater_inflight_bytes}, {@code breakwater_inflight_bytes_limit},
 *       {@code breakwater_watch_queue_bytes_limit} — bytes held for clients now, and the budgets;
 *   <li>JVM memory, GC, threads and CPU.
 * </ul>
 * Thread-safe (Micrometer meters are).
 */
public final class ProxyMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public ProxyMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public void request(String verb, String resource, String served) {
    Counter.builder("breakwater_requests_total").tag("verb", verb).tag("resource", resource).tag("served", served)
        .register(registry).increment();
  }

  /**
   * A read the cache's routing sent upstream, by {@code reason} ({@code cache-core} {@code UpstreamReason}'s label):
   * {@code breakwater_upstream_reads_total{verb,resource,reason}}. It is also counted in {@code
   * breakwater_requests_total} as {@code served="upstream"} or {@code "coalesced"}.
   */
  public void upstreamRead(String verb, String resource, String reason) {
    Counter.builder("breakwater_upstream_reads_total").tag("verb", verb).tag("resource", resource).tag("reason", reason)
        .register(registry).increment();
  }

  /** How many reads of {@code verb} on {@code resource} the routing sent upstream for {@code reason}; for tests. */
  public double upstreamReads(String verb, String resource, String reason) {
    Counter c = registry.find("breakwater_upstream_reads_total").tag("verb", verb).tag("resource", resource).tag("reason", reason)
        .counter();
    return c == null ? 0 : c.count();
  }

  /** How many reads of {@code verb} on {@code resource} were answered as {@code served} (0 before the first); for tests. */
  public double requests(String verb, String resource, String served) {
    Counter c = registry.find("breakwater_requests_total").tag("verb", verb).tag("resource", resource).tag("served", served).counter();
    return c == null ? 0 : c.count();
  }

  public void upstream(String kind) {
    Counter.builder("breakwater_upstream_requests_total").tag("kind", kind).register(registry).increment();
  }

  /**
   * {@code breakwater_upstream_endpoint_current{endpoint}} (1 for the endpoint requests go to, else 0),
   * {@code breakwater_upstream_endpoint_healthy{endpoint}} (1/0) and {@code breakwater_upstream_endpoint_switches_total}
   * (how often the current endpoint changed); only with several {@code --upstream-endpoints}.
   */
  public void upstreamEndpoints(dev.breakwater.cache.upstream.EndpointSelector selector) {
    if (selector.size() < 2) {
      return;
    }
    for (int i = 0; i < selector.size(); i++) {
      int endpoint = i;
      Gauge.builder("breakwater_upstream_endpoint_current", () -> selector.current() == endpoint ? 1 : 0)
          .tag("endpoint", selector.name(i)).register(registry);
      Gauge.builder("breakwater_upstream_endpoint_healthy", () -> selector.healthy(endpoint) ? 1 : 0)
          .tag("endpoint", selector.name(i)).register(registry);
    }
    io.micrometer.core.instrument.FunctionCounter.builder("breakwater_upstream_endpoint_switches_total", selector,
        s -> s.switches()).register(registry);
  }

  /** How many upstream requests of {@code kind} Breakwater has made itself (0 before the first); for tests. */
  public double upstreamRequests(String kind) {
    Counter c = registry.find("breakwater_upstream_requests_total").tag("kind", kind).counter();
    return c == null ? 0 : c.count();
  }

  /** {@code breakwater_cache_consistency_checks_total{resource,result}}: one consistency check round's result. */
  public void consistencyCheck(String resource, String result) {
    consistencyChecks(resource, result).increment();
  }

  /** Registers the four results of {@code resource} at 0, so a scrape shows them before the first round. */
  public void consistencyChecksRegistered(String resource) {
    for (String r : new String[] {"match", "mismatch", "skipped", "error"}) {
      consistencyChecks(resource, r);
    }
  }

  /** Rounds of {@code resource} with {@code result} so far (tests). */
  public double consistencyCheckCount(String resource, String result) {
    Counter c = registry.find("breakwater_cache_consistency_checks_total").tag("resource", resource).tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  private Counter consistencyChecks(String resource, String result) {
    return Counter.builder("breakwater_cache_consistency_checks_total").tag("resource", resource).tag("result", result)
        .register(registry);
  }

  public void freshnessWait(String resource, Duration waited) {
    Timer.builder("breakwater_freshness_wait_seconds").tag("resource", resource).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry).record(waited);
  }

  public void cacheGauges(String resource, Supplier<Number> watchers, Supplier<Number> objects) {
    Gauge.builder("breakwater_cache_watchers", watchers).tag("resource", resource).register(registry);
    Gauge.builder("breakwater_cache_objects", objects).tag("resource", resource).register(registry);
  }

  /**
   * {@code breakwater_cache_upstream_available{resource}} (1/0) and
   * {@code breakwater_cache_upstream_outage_seconds_total{resource}} (time the cache's upstream feed was
   * failing, the current outage included). {@code status} answers null once the cache is gone (then 0).
   */
  public void upstreamHealth(String resource, Supplier<dev.breakwater.cache.reflector.UpstreamHealth.Status> status) {
    Gauge.builder("breakwater_cache_upstream_available", () -> {
      var s = status.get();
      return s == null || s.available() ? 1 : 0;
    }).tag("resource", resource).register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("breakwater_cache_upstream_outage_seconds_total", status, sup -> {
      var s = sup.get();
      return s == null ? 0 : s.totalOutage().toNanos() / 1e9;
    }).tag("resource", resource).register(registry);
  }

  /**
   * {@code breakwater_authn_total{method,result}}: authentication outcomes ({@code --auth=delegated});
   * method token|x509|requestheader|anonymous|none, result authenticated|rejected|error.
   */
  public void authn(String method, String result) {
    authCounters.computeIfAbsent("authn|" + method + "|" + result,
        k -> Counter.builder("breakwater_authn_total").tag("method", method).tag("result", result).register(registry)).increment();
  }

  /**
   * The auth counters by name and tags, so that a request's three or four increments (authn, review
   * cache, authz) are map hits instead of Micrometer registrations; the key sets are small and fixed.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> authCounters = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code breakwater_authz_total{result}}: authorization decisions allowed|denied|error. */
  public void authz(String result) {
    authCounters.computeIfAbsent("authz|" + result,
        k -> Counter.builder("breakwater_authz_total").tag("result", result).register(registry)).increment();
  }

  /** {@code breakwater_auth_cache_total{review,source}}: review answers by source hit|miss (review token|sar). */
  public void authCache(String review, String source) {
    authCounters.computeIfAbsent("cache|" + review + "|" + source,
        k -> Counter.builder("breakwater_auth_cache_total").tag("review", review).tag("source", source).register(registry)).increment();
  }

  /** {@code breakwater_auth_review_seconds{review,outcome}}: latency of TokenReview / SubjectAccessReview upstream. */
  public void authReview(String review, String outcome, Duration took) {
    Timer.builder("breakwater_auth_review_seconds").tag("review", review).tag("outcome", outcome).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry).record(took);
  }

  /** {@code breakwater_admission_rejected_total{verb,resource}}: one expensive read refused with a 429. */
  public void admissionRejected(String verb, String resource) {
    authCounters.computeIfAbsent("admission|" + verb + "|" + resource,
        k -> Counter.builder("breakwater_admission_rejected_total").tag("verb", verb).tag("resource", resource)
            .register(registry)).increment();
  }

  /** Reads of {@code verb} on {@code resource} refused for memory so far (tests). */
  public double admissionRejections(String verb, String resource) {
    Counter c = registry.find("breakwater_admission_rejected_total").tag("verb", verb).tag("resource", resource).counter();
    return c == null ? 0 : c.count();
  }

  /** {@code breakwater_terminated_watchers_total{resource}}: one watcher closed as unresponsive. */
  public void terminatedWatcher(String resource) {
    authCounters.computeIfAbsent("terminated|" + resource,
        k -> Counter.builder("breakwater_terminated_watchers_total").tag("resource", resource).register(registry)).increment();
  }

  /** Watchers of {@code resource} closed as unresponsive so far (tests). */
  public double terminatedWatchers(String resource) {
    Counter c = registry.find("breakwater_terminated_watchers_total").tag("resource", resource).counter();
    return c == null ? 0 : c.count();
  }

  /** The gauges of the bytes held for clients and of the budgets ({@link Long#MAX_VALUE}: none). */
  public void inflightBytes(dev.breakwater.cache.admission.BytesInFlight account, long watchQueueBytes) {
    Gauge.builder("breakwater_inflight_bytes", account::used).register(registry);
    Gauge.builder("breakwater_inflight_bytes_limit", account::limit).register(registry);
    Gauge.builder("breakwater_watch_queue_bytes_limit", () -> watchQueueBytes).register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
