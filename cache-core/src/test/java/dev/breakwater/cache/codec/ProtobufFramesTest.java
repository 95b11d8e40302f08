package dev.breakwater.cache.codec;

import dev.breakwater.cache.reflector.WatchFrame;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ProtoReader;
import dev.breakwater.cache.object.ProtobufExtractor;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.reflector.WatchHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protobuf objects as the apiserver sends them (captured from 1.36.3, src/test/resources/protobuf),
 * decoded into cached objects and written back byte for byte: LIST bodies, GET envelopes, watch frames,
 * and bookmarks rebuilt from the template the upstream's own bookmark gave.
 */
class ProtobufFramesTest {

  final ProtobufFrames frames = new ProtobufFrames(new ProtobufExtractor(List.of("metadata.name", "metadata.namespace")));

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ProtobufFramesTest.class.getResourceAsStream("/protobuf/" + name)) {
      return in.readAllBytes();
    }
  }

  static List<byte[]> watchFrames(byte[] body) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 4) {
      byte[] f = new byte[b.getInt()];
      b.get(f);
      out.add(f);
    }
    return out;
  }

  @Test
  void aListIsDecodedAndReEncodedByteForByte() throws Exception {
    byte[] body = resource("pods-list.pb");
    UpstreamListPage page = frames.listPage(body);
    assertThat(page.items()).extracting(CachedObject::name).containsExactly("p1");
    CachedObject p1 = page.items().getFirst();
    assertThat(p1.namespace()).isEqualTo("pom");
    assertThat(p1.labelMap()).containsEntry("app", "web");
    assertThat(p1.field(0)).isEqualTo("p1");
    assertThat(p1.field(1)).isEqualTo("pom");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProtobufListEncoder enc = new ProtobufListEncoder("v1", "PodList", page.resourceVersion(), "", null, page.items(),
        ProtobufListEncoder.STORED, 1, 2);
    for (byte[] c = enc.nextChunk(); c != null; c = enc.nextChunk()) {
      out.writeBytes(c);
    }
    assertThat(out.toByteArray()).isEqualTo(body);
    // The GET of the same object is its stored bytes in the envelope.
    assertThat(ProtobufWire.envelope("v1", "Pod", p1.copyJson())).isEqualTo(resource("pod-p1.pb"));
  }

  @Test
  void watchFramesAndTheBookmarkTemplate() throws Exception {
    List<byte[]> upstream = watchFrames(resource("pods-watchlist.pb"));
    assertThat(frames.bookmarkTail()).isNull();
    WatchFrame.Event added = (WatchFrame.Event) frames.watchFrame(upstream.get(0), 0, upstream.get(0).length);
    assertThat(added.type()).isEqualTo(EventType.ADDED);
    WatchFrame.Bookmark end = (WatchFrame.Bookmark) frames.watchFrame(upstream.getLast(), 0, upstream.getLast().length);
    assertThat(end.initialEventsEnd()).isTrue();
    assertThat(frames.bookmarkTail()).as("an empty Pod's spec and status").isNotEmpty();

    ProtobufWatchEncoder enc = new ProtobufWatchEncoder("v1", "Pod", frames);
    byte[] addedFrame = enc.encode(new WatchSink.Event(EventType.ADDED, added.object(), added.object().resourceVersion(), false));
    assertThat(slice(addedFrame)).isEqualTo(upstream.get(0));
    byte[] bookmark = enc.encode(new WatchSink.Event(EventType.BOOKMARK, null, end.resourceVersion(), true));
    assertThat(slice(bookmark)).isEqualTo(upstream.getLast());
    assertThat(enc.contentType()).isEqualTo("application/vnd.kubernetes.protobuf;stream=watch");
  }

  @Test
  void aSelectorExitGetsTheEventsResourceVersionSplicedIn() throws Exception {
    CachedObject p1 = frames.listPage(resource("pods-list.pb")).items().getFirst();
    byte[] rewritten = ProtobufWatchEncoder.withResourceVersion(p1.copyJson(), 123456789L);
    CachedObject again = new ProtobufExtractor(List.of()).extract(rewritten, 0, rewritten.length).value();
    assertThat(again.resourceVersion()).isEqualTo(123456789L);
    assertThat(again.name()).isEqualTo("p1");
    assertThat(rewritten.length - p1.jsonLength()).isEqualTo("123456789".length() - Long.toString(p1.resourceVersion()).length());
  }

  @Test
  void statusBodiesAndErrorsDecode() throws Exception {
    UpstreamStatusException notFound = ProtobufFrames.statusBody(404, resource("status-404.pb"));
    assertThat(notFound.code()).isEqualTo(404);
    assertThat(notFound.reason()).isEqualTo("NotFound");
    assertThat(notFound.getMessage()).isEqualTo("pods \"nope\" not found");
    // A JSON body (the server may choose JSON for some errors) is read as JSON.
    assertThat(ProtobufFrames.statusBody(410, "{\"kind\":\"Status\",\"reason\":\"Expired\",\"code\":410,\"message\":\"gone\"}".getBytes())
        .reason()).isEqualTo("Expired");
  }

  @Test
  void badInputIsADecodeErrorNeverAnException() throws Exception {
    byte[] list = resource("pods-list.pb");
    for (byte[] bad : List.of(new byte[0], "{}".getBytes(), java.util.Arrays.copyOf(list, list.length / 2),
        new byte[] {'k', '8', 's', 0, 0x0a, (byte) 0xff})) {
      assertThatThrownBy(() -> frames.listPage(bad)).isInstanceOf(FrameDecodeException.class);
    }
    byte[] frame = watchFrames(resource("pods-watchlist.pb")).get(0);
    assertThatThrownBy(() -> frames.watchFrame(frame, 0, frame.length - 3)).isInstanceOf(FrameDecodeException.class);
    assertThatThrownBy(() -> frames.watchFrame(new byte[] {0x0a, 3, 'F', 'O', 'O'}, 0, 5)).isInstanceOf(FrameDecodeException.class);
    assertThat(new ProtobufExtractor(List.of()).extract(new byte[] {0x12, 0}, 0, 2).isOk()).as("no ObjectMeta").isFalse();
    assertThat(new ProtobufExtractor(List.of()).extract(new byte[] {0x0a, 2, 0x32, 1}, 0, 4).isOk()).as("truncated").isFalse();
    assertThatThrownBy(() -> new ProtoReader(new byte[] {(byte) 0x80}, 0, 1).next()).isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] slice(byte[] frame) {
    return java.util.Arrays.copyOfRange(frame, 4, frame.length);
  }
}
