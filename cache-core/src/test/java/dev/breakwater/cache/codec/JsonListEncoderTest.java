package dev.breakwater.cache.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Envelope bytes as captured from kube-apiserver 1.36.3, and the pretty form checked against
 * Go's json.Indent of the compact form (GoJson.indent mirrors it), which like the apiserver's
 * MarshalIndent output ends without a newline.
 */
public class JsonListEncoderTest {

  public static CachedObject obj(String json) {
    return ((Result.Ok<CachedObject>) new ObjectExtractor(List.of()).extract(json.getBytes(StandardCharsets.UTF_8))).value();
  }

  static String drain(JsonListEncoder e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk;
    while ((chunk = e.nextChunk()) != null) {
      out.writeBytes(chunk);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static final String ITEM = "{\"metadata\":{\"name\":\"tm1\",\"namespace\":\"default\",\"uid\":\"c967d603-429e-40d2-989b-6e5866848b11\","
      + "\"resourceVersion\":\"767\",\"creationTimestamp\":\"2026-11-22T05:30:57Z\"},\"data\":{\"a\":\"b\",\"l\":[1,{\"x\":[]}]}}";

  @Test
  void compactEnvelopeAsTheApiserverWritesIt() {
    var env = new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, null, null);
    assertThat(drain(new JsonListEncoder(env, List.<CachedObject>of().iterator(), false)))
        .isEqualTo("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\"},\"items\":[]}\n");
    assertThat(drain(new JsonListEncoder(env, List.of(obj(ITEM), obj(ITEM)).iterator(), false)))
        .isEqualTo("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\"},\"items\":[" + ITEM + "," + ITEM + "]}\n");
    var paged = new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, "eyJ2Ijoi", 3L);
    assertThat(drain(new JsonListEncoder(paged, List.of(obj(ITEM)).iterator(), false)))
        .startsWith("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\",\"continue\":\"eyJ2Ijoi\",\"remainingItemCount\":3},\"items\":[");
  }

  @Test
  void prettyIsGoIndentOfTheCompactForm() {
    for (int n : new int[] {0, 1, 3}) {
      for (var env : List.of(new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, null, null),
          new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, "tok", 0L))) {
        List<CachedObject> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(obj(ITEM));
        }
        String compact = drain(new JsonListEncoder(env, items.iterator(), false));
        String pretty = drain(new JsonListEncoder(env, items.iterator(), true));
        byte[] body = compact.substring(0, compact.length() - 1).getBytes(StandardCharsets.UTF_8);
        assertThat(pretty).as("n=%d %s", n, env).isEqualTo(new String(GoJson.indent(body, "", "  "), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void chunksAreBoundedAndPulledOnDemand() {
    String big = "{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"1\"},\"data\":{\"k\":\"" + "v".repeat(10_000) + "\"}}";
    List<CachedObject> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add(obj(big));
    }
    JsonListEncoder e = new JsonListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 1, null, null), items.iterator(), false);
    int chunks = 0;
    long total = 0;
    byte[] c;
    while ((c = e.nextChunk()) != null) {
      assertThat(c.length).isLessThanOrEqualTo(JsonListEncoder.CHUNK_BYTES + big.length() + 200);
      chunks++;
      total += c.length;
    }
    assertThat(chunks).isGreaterThan(10);
    assertThat(total).isGreaterThan(100L * big.length());
    assertThat(e.nextChunk()).isNull();
  }

  @Test
  void singleObjectsGetTheirTypeMetaBack() {
    TypeMeta tm = new TypeMeta("ConfigMap", "v1");
    assertThat(new String(JsonListEncoder.object(obj(ITEM), tm, false), StandardCharsets.UTF_8))
        .isEqualTo("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\"," + ITEM.substring(1) + "\n");
    assertThat(new String(JsonListEncoder.object(obj(ITEM), null, true), StandardCharsets.UTF_8))
        .isEqualTo(new String(GoJson.indent(ITEM.getBytes(StandardCharsets.UTF_8), "", "  "), StandardCharsets.UTF_8));
  }

  @Test
  void customResourceListsAreUnstructured() {
    String cr = "{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\",\"resourceVersion\":\"210\"}}";
    assertThat(drain(new JsonListEncoder(new JsonListEncoder.Envelope("WidgetList", "e2e.breakwater.dev/v1", 213, null, null, true),
        List.<CachedObject>of().iterator(), false)))
        .isEqualTo("{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"items\":[],\"kind\":\"WidgetList\",\"metadata\":{\"continue\":\"\",\"resourceVersion\":\"213\"}}\n");
    assertThat(drain(new JsonListEncoder(new JsonListEncoder.Envelope("WidgetList", "e2e.breakwater.dev/v1", 215, "eyJ2", 2L, true),
        List.of(obj(cr)).iterator(), false)))
        .isEqualTo("{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"items\":[" + cr + "],\"kind\":\"WidgetList\",\"metadata\":"
            + "{\"continue\":\"eyJ2\",\"remainingItemCount\":2,\"resourceVersion\":\"215\"}}\n");
    // Pretty: Go's indent of the compact form, no trailing newline (as captured: "items": [] on one line).
    for (List<CachedObject> items : List.of(List.<CachedObject>of(), List.of(obj(cr), obj(cr)))) {
      var env = new JsonListEncoder.Envelope("WidgetList", "e2e.breakwater.dev/v1", 213, null, null, true);
      String compact = drain(new JsonListEncoder(env, items.iterator(), false));
      String pretty = drain(new JsonListEncoder(env, items.iterator(), true));
      assertThat(pretty).isEqualTo(new String(GoJson.indent(compact.substring(0, compact.length() - 1).getBytes(StandardCharsets.UTF_8), "", "  "),
          StandardCharsets.UTF_8));
    }
  }
}
