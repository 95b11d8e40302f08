package dev.breakwater.cache.codec;

import dev.breakwater.cache.reflector.WatchFrame;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.WatchHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFramesTest {

  final JsonFrames frames = new JsonFrames(new ObjectExtractor(List.of()));

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listPageKeepsEachItemsBytes() throws Exception {
    String item1 = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"11\"},\"data\":{\"k\":\"v \\\"q\\\" é\"}}";
    String item2 = "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\",\"resourceVersion\":\"12\"}}";
    String list = "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"15\",\"continue\":\"tok\",\"remainingItemCount\":3},"
        + "\"items\":[" + item1 + ",\n  " + item2 + "]}";
    UpstreamListPage page = frames.listPage(b(list));
    assertThat(page.resourceVersion()).isEqualTo(15);
    assertThat(page.continueToken()).isEqualTo("tok");
    assertThat(page.last()).isFalse();
    assertThat(page.items()).hasSize(2);
    assertThat(page.items().get(0).jsonString()).isEqualTo(item1);
    assertThat(page.items().get(1).jsonString()).isEqualTo(item2);
    assertThat(page.items().get(1).resourceVersion()).isEqualTo(12);
  }

  @Test
  void emptyAndNullItems() throws Exception {
    assertThat(frames.listPage(b("{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}")).items()).isEmpty();
    UpstreamListPage p = frames.listPage(b("{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":null}"));
    assertThat(p.items()).isEmpty();
    assertThat(p.last()).isTrue();
  }

  @Test
  void badListsAreRejected() {
    assertThatThrownBy(() -> frames.listPage(b("[1,2]"))).isInstanceOf(FrameDecodeException.class)
        .hasMessage("LIST response is not a JSON object");
    assertThatThrownBy(() -> frames.listPage(b("{\"items\":[]}"))).hasMessage("LIST response has no metadata.resourceVersion");
    assertThatThrownBy(() -> frames.listPage(b("{\"metadata\":{\"resourceVersion\":\"x1\"},\"items\":[]}")))
        .hasMessage("invalid resourceVersion \"x1\"");
    assertThatThrownBy(() -> frames.listPage(b("{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[{\"metadata\":")))
        .isInstanceOf(FrameDecodeException.class).hasMessageStartingWith("malformed LIST response");
  }

  @Test
  void watchFramesAtAnOffset() throws Exception {
    String obj = "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"resourceVersion\":\"21\"}}";
    String frame = "{\"type\":\"MODIFIED\",\"object\":" + obj + "}";
    byte[] padded = b("xxxxx" + frame + "yyy");
    WatchFrame f = frames.watchFrame(padded, 5, frame.length());
    assertThat(f).isInstanceOf(WatchFrame.Event.class);
    WatchFrame.Event e = (WatchFrame.Event) f;
    assertThat(e.type()).isEqualTo(EventType.MODIFIED);
    assertThat(e.object().jsonString()).isEqualTo(obj);
    assertThat(e.object().resourceVersion()).isEqualTo(21);
  }

  @Test
  void bookmarksAndInitialEventsEnd() throws Exception {
    byte[] plain = b("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"99\"}}}");
    assertThat(frames.watchFrame(plain, 0, plain.length)).isEqualTo(new WatchFrame.Bookmark(99, false));
    byte[] end = b("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"100\","
        + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}");
    assertThat(frames.watchFrame(end, 0, end.length)).isEqualTo(new WatchFrame.Bookmark(100, true));
  }

  @Test
  void errorFramesCarryTheStatus() throws Exception {
    byte[] err = b("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"too old resource version: 1 (254)\",\"reason\":\"Expired\",\"code\":410}}");
    WatchFrame.Error e = (WatchFrame.Error) frames.watchFrame(err, 0, err.length);
    assertThat(e.status().code()).isEqualTo(410);
    assertThat(e.status().gone()).isTrue();
    assertThat(e.status().reason()).isEqualTo("Expired");
    assertThat(e.status().getMessage()).isEqualTo("too old resource version: 1 (254)");
  }

  @Test
  void badFramesAreRejected() {
    byte[] unknown = b("{\"type\":\"SURPRISE\",\"object\":{}}");
    assertThatThrownBy(() -> frames.watchFrame(unknown, 0, unknown.length)).hasMessage("unknown watch event type \"SURPRISE\"");
    byte[] noObject = b("{\"type\":\"ADDED\"}");
    assertThatThrownBy(() -> frames.watchFrame(noObject, 0, noObject.length)).hasMessage("watch frame without type or object");
    byte[] truncated = b("{\"type\":\"ADDED\",\"object\":{\"metadata\":{");
    assertThatThrownBy(() -> frames.watchFrame(truncated, 0, truncated.length)).hasMessageStartingWith("malformed watch frame");
  }

  @Test
  void statusBodyOfAnHttpError() {
    assertThat(JsonFrames.statusBody(404, b("{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\",\"message\":\"nope\"}")).reason())
        .isEqualTo("NotFound");
    var notJson = JsonFrames.statusBody(502, b("<html>bad gateway</html>"));
    assertThat(notJson.code()).isEqualTo(502);
    assertThat(notJson.getMessage()).isEqualTo("<html>bad gateway</html>");
  }

  @Test
  void builtInsAreStoredBareAsListItemsAre() throws Exception {
    JsonFrames typed = new JsonFrames(new ObjectExtractor(List.of()), new TypeMeta("ConfigMap", "v1"));
    String bare = "{\"metadata\":{\"name\":\"tm1\",\"namespace\":\"default\",\"resourceVersion\":\"767\"},\"data\":{\"a\":\"b\"}}";
    String withType = "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\"," + bare.substring(1);
    byte[] frame = b("{\"type\":\"ADDED\",\"object\":" + withType + "}");
    WatchFrame.Event e = (WatchFrame.Event) typed.watchFrame(frame, 0, frame.length);
    assertThat(e.object().jsonString()).isEqualTo(bare);
    assertThat(e.object().name()).isEqualTo("tm1");
    assertThat(e.object().resourceVersion()).isEqualTo(767);
    // LIST items are already bare and stay as they are.
    UpstreamListPage page = typed.listPage(b("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\"},\"items\":[" + bare + "]}"));
    assertThat(page.items().getFirst().jsonString()).isEqualTo(bare);
    // Another kind's prefix is not stripped.
    byte[] other = b("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Secret\",\"apiVersion\":\"v1\"," + bare.substring(1) + "}");
    assertThat(((WatchFrame.Event) typed.watchFrame(other, 0, other.length)).object().jsonString()).startsWith("{\"kind\":\"Secret\"");
    assertThat(new String(new TypeMeta("ConfigMap", "v1").prefix(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",");
  }

  @Test
  void keyPageReadsAPartialObjectMetadataListsKeysInOrder() throws Exception {
    String body = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"42\","
        + "\"continue\":\"tok\",\"remainingItemCount\":3},\"items\":[{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
        + "\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\",\"uid\":\"u\",\"resourceVersion\":\"40\",\"labels\":{\"x\":\"y\"},"
        + "\"managedFields\":[{\"manager\":\"m\"}]}},{\"metadata\":{\"resourceVersion\":\"41\",\"name\":\"node-1\"}}]}";
    var page = JsonFrames.keyPage(body.getBytes(StandardCharsets.UTF_8));
    assertThat(page.resourceVersion()).isEqualTo(42);
    assertThat(page.continueToken()).isEqualTo("tok");
    assertThat(page.last()).isFalse();
    assertThat(page.items()).extracting(Object::toString).containsExactly("ns/b@40", "node-1@41");
    var empty = JsonFrames.keyPage("{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":null}".getBytes(StandardCharsets.UTF_8));
    assertThat(empty.items()).isEmpty();
    assertThat(empty.last()).isTrue();
  }

  @Test
  void keyPageRefusesGarbageWithOneLine() {
    for (String bad : List.of("", "[]", "{", "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[{\"metadata\":{}}]}",
        "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":{}}", "{\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[1]}",
        "{\"metadata\":{\"resourceVersion\":\"1\"}} {}", "{\"metadata\":{\"resourceVersion\":\"-1\"}}")) {
      assertThatThrownBy(() -> JsonFrames.keyPage(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
          .isInstanceOf(FrameDecodeException.class);
    }
  }
}
