package dev.breakwater.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromTextTest {

  @Test
  void sumsSamplesByNameAndLabels() {
    String text = """
        # HELP apiserver_request_total Counter of apiserver requests
        # TYPE apiserver_request_total counter
        apiserver_request_total{code="200",component="apiserver",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 3
        apiserver_request_total{code="200",component="apiserver",group="",resource="configmaps",scope="cluster",subresource="",verb="LIST",version="v1"} 4
        apiserver_request_total{code="200",component="apiserver",group="",resource="configmaps",scope="namespace",subresource="",verb="WATCH",version="v1"} 5
        apiserver_request_total{code="200",component="apiserver",group="apps",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 100
        apiserver_longrunning_requests{component="apiserver",group="",resource="configmaps",scope="namespace",subresource="",verb="WATCH",version="v1"} 2
        jvm_memory_used_bytes{area="heap",id="ZGC Old Generation"} 1.5E7
        """;
    PromText m = PromText.parse(text);
    assertThat(m.sum("apiserver_request_total", s -> s.label("verb").equals("LIST") && s.label("group").isEmpty())).isEqualTo(7);
    assertThat(m.sum("apiserver_longrunning_requests", s -> true)).isEqualTo(2);
    assertThat(m.sum("jvm_memory_used_bytes", s -> s.label("area").equals("heap"))).isEqualTo(1.5e7);
  }

  @Test
  void upstreamCountsSubtract() {
    UpstreamCounts a = new UpstreamCounts(10, 1, 4, 2);
    UpstreamCounts b = new UpstreamCounts(12, 1, 6, 1);
    UpstreamCounts d = b.minus(a);
    assertThat(d.lists()).isEqualTo(2);
    assertThat(d.watchesOpened()).isEqualTo(1); // two ended, one fewer open: one opened in between
  }
}
