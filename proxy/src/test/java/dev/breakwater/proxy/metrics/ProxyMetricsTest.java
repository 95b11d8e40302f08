package dev.breakwater.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  @Test
  void exposesTheDocumentedSeries() {
    ProxyMetrics m = new ProxyMetrics();
    m.request("list", "configmaps", "cache");
    m.request("list", "configmaps", "cache");
    m.request("get", "pods", "upstream");
    m.upstream("reflector");
    m.freshnessWait("configmaps", Duration.ofMillis(12));
    m.cacheGauges("configmaps", () -> 3, () -> 42);
    String text = m.scrape();
    assertThat(text).contains("breakwater_requests_total{resource=\"configmaps\",served=\"cache\",verb=\"list\"} 2.0");
    assertThat(text).contains("breakwater_requests_total{resource=\"pods\",served=\"upstream\",verb=\"get\"} 1.0");
    assertThat(text).contains("breakwater_upstream_requests_total{kind=\"reflector\"} 1.0");
    assertThat(text).contains("breakwater_freshness_wait_seconds_count{resource=\"configmaps\"} 1");
    assertThat(text).contains("breakwater_freshness_wait_seconds_bucket{resource=\"configmaps\"");
    assertThat(text).contains("breakwater_cache_watchers{resource=\"configmaps\"} 3.0");
    assertThat(text).contains("breakwater_cache_objects{resource=\"configmaps\"} 42.0");
    assertThat(text).contains("jvm_memory_used_bytes");
  }
}
