package dev.breakwater.cache.codec.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.codec.JsonListEncoderTest;
import dev.breakwater.cache.codec.PartialObjectMetadataCodec;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamed YAML list is, byte for byte, {@link JsonToYaml#convert} of the JSON list
 * {@link JsonListEncoder} writes (which is what the apiserver converts): typed and unstructured
 * envelopes, continue tokens, remainingItemCount, empty pages, PartialObjectMetadataList (null
 * items when empty), and pages long enough to span several chunks.
 */
class YamlListEncoderTest {

  static byte[] drain(BodyChunks e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk;
    while ((chunk = e.nextChunk()) != null) {
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }

  static final String ITEM = "{\"metadata\":{\"name\":\"tm%d\",\"namespace\":\"default\",\"uid\":\"c967d603-429e-40d2-989b-6e5866848b11\","
      + "\"resourceVersion\":\"767\",\"creationTimestamp\":\"2026-11-22T05:30:57Z\",\"labels\":{\"a10\":\"yes\",\"a9\":\"012\"}},"
      + "\"data\":{\"multi\":\"line one\\nline two\\n\",\"long\":\"%s\",\"l\":[1,{\"x\":[]},1.5e-7,\"日本 😀\"]}}";

  static List<CachedObject> items(int n) {
    List<CachedObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(JsonListEncoderTest.obj(String.format(ITEM, i, "word ".repeat(i % 40))));
    }
    return out;
  }

  @Test
  void streamedListIsTheConversionOfTheJsonList() {
    List<JsonListEncoder.Envelope> envelopes = List.of(
        new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, null, null),
        new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NzY3LCJzdGFydCI6InRtMVx1MDAwMCJ9", 3L),
        new JsonListEncoder.Envelope("WidgetList", "example.com/v1", 767, null, null, true),
        new JsonListEncoder.Envelope("WidgetList", "example.com/v1", 767, "tok", 0L, true),
        JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 767, null, null),
        JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 767, "tok", 5L));
    for (int n : new int[] {0, 1, 3, 2000}) {
      List<CachedObject> items = items(n);
      for (JsonListEncoder.Envelope env : envelopes) {
        JsonListEncoder.Item item = env.listKind().startsWith("Partial")
            ? new PartialObjectMetadataCodec(false).jsonListItem("meta.k8s.io/v1") : JsonListEncoder.STORED;
        byte[] json = drain(new JsonListEncoder(env, items.iterator(), false, item));
        byte[] want = JsonToYaml.convert(json);
        byte[] got = drain(new YamlListEncoder(env, items, item));
        assertThat(new String(got, StandardCharsets.UTF_8)).as("%s, %d items", env, n).isEqualTo(new String(want, StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aLargePageComesInSeveralChunks() {
    var e = new YamlListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 1, null, null), items(2000), JsonListEncoder.STORED);
    int chunks = 0;
    while (e.nextChunk() != null) {
      chunks++;
    }
    assertThat(chunks).isGreaterThan(5);
  }

  @Test
  void anItemTheApiserverCannotConvertIsRefusedBeforeAnyByte() {
    List<CachedObject> items = new ArrayList<>(items(2));
    items.add(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"del\",\"namespace\":\"default\"},\"data\":{\"a\":\"x\u007fy\"}}"));
    assertThatThrownBy(() -> new YamlListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 1, null, null), items,
        JsonListEncoder.STORED)).isInstanceOf(YamlConversionException.class);
    List<CachedObject> keyed = List.of(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"k\",\"namespace\":\"default\"},\"data\":{\""
        + "k".repeat(1023) + "\":\"v\"}}"));
    assertThatThrownBy(() -> new YamlListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 1, null, null), keyed,
        JsonListEncoder.STORED)).isInstanceOf(YamlConversionException.class);
  }

  @Test
  void fastScanClearsOnlyWhatSurelyConverts() {
    assertThat(YamlListEncoder.fastSafe("{\"a\":\"b\\n\\u003c\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(YamlListEncoder.fastSafe("{\"a\":\"\\ud83d\\ude00\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(YamlListEncoder.fastSafe("{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(YamlListEncoder.fastSafe(("{\"" + "k".repeat(1023) + "\":1}").getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(YamlListEncoder.fastSafe(("{\"k\":\"" + "v".repeat(3000) + "\"}").getBytes(StandardCharsets.UTF_8))).isTrue();
  }
}
