package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event bytes as captured from kube-apiserver 1.36.3 (configmaps watch, JSON). */
class JsonWatchEncoderTest {

  static final JsonWatchEncoder ENC = new JsonWatchEncoder(new TypeMeta("ConfigMap", "v1"));

  static CachedObject obj(String json) {
    return ((Result.Ok<CachedObject>) new ObjectExtractor(List.of()).extract(json.getBytes(StandardCharsets.UTF_8))).value();
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static final String BARE = "{\"metadata\":{\"name\":\"wb1\",\"namespace\":\"default\",\"uid\":\"cbf547fc-b87f-423f-aab9-c8b6cdcde9d3\","
      + "\"resourceVersion\":\"1257\",\"creationTimestamp\":\"2026-11-22T05:58:05Z\",\"labels\":{\"x\":\"y\"}}}";

  @Test
  void eventsAsTheApiserverWritesThem() {
    assertThat(s(ENC.encode(new WatchSink.Event(EventType.MODIFIED, obj(BARE), 1257, false)))).isEqualTo(
        "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"wb1\",\"namespace\":\"default\","
            + "\"uid\":\"cbf547fc-b87f-423f-aab9-c8b6cdcde9d3\",\"resourceVersion\":\"1257\",\"creationTimestamp\":\"2026-11-22T05:58:05Z\","
            + "\"labels\":{\"x\":\"y\"}}}}\n");
  }

  @Test
  void bookmarks() {
    assertThat(s(ENC.encode(new WatchSink.Event(EventType.BOOKMARK, null, 1251, true)))).isEqualTo(
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1251\","
            + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}\n");
    assertThat(s(ENC.encode(new WatchSink.Event(EventType.BOOKMARK, null, 9, false)))).isEqualTo(
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"9\"}}}\n");
  }

  @Test
  void selectorExitCarriesTheEventRvInThePreviousState() {
    String out = s(ENC.encode(new WatchSink.Event(EventType.DELETED, obj(BARE), 1300, false)));
    assertThat(out).contains("\"resourceVersion\":\"1300\"").doesNotContain("1257").startsWith("{\"type\":\"DELETED\"");
    // Annotations that happen to be named resourceVersion are not touched.
    String tricky = "{\"metadata\":{\"name\":\"a\",\"annotations\":{\"resourceVersion\":\"keep\"},\"resourceVersion\":\"5\"}}";
    assertThat(s(JsonWatchEncoder.withResourceVersion(tricky.getBytes(StandardCharsets.UTF_8), 6)))
        .isEqualTo("{\"metadata\":{\"name\":\"a\",\"annotations\":{\"resourceVersion\":\"keep\"},\"resourceVersion\":\"6\"}}");
  }

  @Test
  void customResourcesKeepTheirOwnTypeMeta() {
    String cr = "{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\",\"resourceVersion\":\"3\"}}";
    assertThat(s(ENC.encode(new WatchSink.Event(EventType.ADDED, obj(cr), 3, false))))
        .isEqualTo("{\"type\":\"ADDED\",\"object\":" + cr + "}\n");
  }
}
