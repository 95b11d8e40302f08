package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * PartialObjectMetadata derived from stored objects, against bytes captured from kube-apiserver
 * 1.36.3 (src/test/resources/partial-object-metadata/README.md): a built-in, custom resources with
 * sorted unstructured metadata, and a pending deletion (pointer fields holding false and 0).
 */
class PartialObjectMetadataCodecTest {

  static byte[] resource(String name) throws IOException {
    try (InputStream in = PartialObjectMetadataCodecTest.class.getResourceAsStream("/partial-object-metadata/" + name)) {
      return in.readAllBytes();
    }
  }

  @SuppressWarnings("unchecked")
  static CachedObject cached(byte[] json) {
    return ((Result.Ok<CachedObject>) new ObjectExtractor(List.of()).extract(json)).value();
  }

  /** The apiserver's GET body without its trailing newline. */
  static byte[] compact(byte[] body) {
    return body[body.length - 1] == '\n' ? java.util.Arrays.copyOf(body, body.length - 1) : body;
  }

  @ParameterizedTest
  @ValueSource(strings = {"configmap-a", "widget-w1", "widget-doomed"})
  void jsonAndProtobufAreTheApiserversBytes(String name) throws Exception {
    CachedObject o = cached(compact(resource(name + ".object.json")));
    PartialObjectMetadataCodec codec = new PartialObjectMetadataCodec(name.startsWith("widget"));
    byte[] json = PartialObjectMetadataCodec.json("meta.k8s.io/v1", codec.metadataJson(o));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(new String(compact(resource(name + ".pom.json")), StandardCharsets.UTF_8));
    byte[] pb = PartialObjectMetadataCodec.protoEnvelope("meta.k8s.io/v1", PartialObjectMetadataCodec.KIND, codec.protoMessage(o));
    assertThat(pb).isEqualTo(resource(name + ".pom.pb"));
    // Memoized: the same array on the second call, whatever the caller did with the first.
    assertThat(codec.protoMessage(o)).isSameAs(codec.protoMessage(o));
  }

  @Test
  void typedJsonOrdersUnstructuredMetadataAndAppliesOmitempty() {
    String meta = "{\"annotations\":{},\"creationTimestamp\":null,\"deletionGracePeriodSeconds\":0,\"generateName\":\"\",\"generation\":0,"
        + "\"labels\":{\"a\":\"1\"},\"managedFields\":[{\"fieldsV1\":{\"f:x\":{}},\"manager\":\"m\",\"subresource\":\"\",\"time\":null}],"
        + "\"name\":\"n\",\"ownerReferences\":[{\"controller\":false,\"name\":\"o\"}],\"uid\":\"u\"}";
    byte[] b = meta.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(ObjectMetaCodec.typedJson(b, 0, b.length), StandardCharsets.UTF_8)).isEqualTo(
        "{\"name\":\"n\",\"uid\":\"u\",\"deletionGracePeriodSeconds\":0,\"labels\":{\"a\":\"1\"},"
            + "\"ownerReferences\":[{\"apiVersion\":\"\",\"kind\":\"\",\"name\":\"o\",\"uid\":\"\",\"controller\":false}],"
            + "\"managedFields\":[{\"manager\":\"m\",\"fieldsV1\":{\"f:x\":{}}}]}");
  }

  @Test
  void protobufWritesEveryNonPointerFieldAndSortsMapKeys() {
    byte[] b = "{\"labels\":{\"b\":\"2\",\"a\":\"\"},\"resourceVersion\":\"7\"}".getBytes(StandardCharsets.UTF_8);
    byte[] pb = ObjectMetaCodec.protobuf(b, 0, b.length);
    // name..uid "", rv "7", generation 0, creationTimestamp {} (unset), labels a→"" then b→"2".
    assertThat(pb).isEqualTo(new byte[] {0x0a, 0, 0x12, 0, 0x1a, 0, 0x22, 0, 0x2a, 0, 0x32, 1, '7', 0x38, 0, 0x42, 0,
        0x5a, 5, 0x0a, 1, 'a', 0x12, 0, 0x5a, 6, 0x0a, 1, 'b', 0x12, 1, '2'});
  }

  @Test
  void malformedMetadataIsRejectedNotMisencoded() {
    for (String bad : List.of("{\"name\":\"x\"", "{\"name\" \"x\"}", "[1,2]", "{\"creationTimestamp\":\"yesterday\"}",
        "{\"generation\":\"one\"}", "{\"labels\":{\"a\":1}}")) {
      byte[] b = bad.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> ObjectMetaCodec.protobuf(b, 0, b.length)).as(bad).isInstanceOf(RuntimeException.class);
    }
    byte[] b = "{\"name\":\"x\",".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ObjectMetaCodec.typedJson(b, 0, b.length)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void protobufListsPutListMetaWhereEachVersionHasIt() throws Exception {
    CachedObject o = cached(compact(resource("configmap-a.object.json")));
    PartialObjectMetadataCodec codec = new PartialObjectMetadataCodec(false);
    byte[] item = codec.protoMessage(o);
    byte[] v1 = drain(new ProtobufListEncoder("meta.k8s.io/v1", "PartialObjectMetadataList", 9, "", null, List.of(o), codec::protoMessage));
    byte[] v1beta1 = drain(new ProtobufListEncoder("meta.k8s.io/v1beta1", "PartialObjectMetadataList", 9, "", 3L, List.of(o),
        codec::protoMessage, 2, 1));
    byte[] listMeta = {0x0a, 0, 0x12, 1, '9', 0x1a, 0};
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(0x0a);
    raw.write(listMeta.length);
    raw.writeBytes(listMeta);
    raw.write(0x12);
    raw.writeBytes(varint(item.length));
    raw.writeBytes(item);
    assertThat(v1).isEqualTo(PartialObjectMetadataCodec.protoEnvelope("meta.k8s.io/v1", "PartialObjectMetadataList", raw.toByteArray()));
    ByteArrayOutputStream rawBeta = new ByteArrayOutputStream();
    rawBeta.write(0x0a);
    rawBeta.writeBytes(varint(item.length));
    rawBeta.writeBytes(item);
    byte[] listMetaBeta = {0x0a, 0, 0x12, 1, '9', 0x1a, 0, 0x20, 3};
    rawBeta.write(0x12);
    rawBeta.write(listMetaBeta.length);
    rawBeta.writeBytes(listMetaBeta);
    assertThat(v1beta1).isEqualTo(PartialObjectMetadataCodec.protoEnvelope("meta.k8s.io/v1beta1", "PartialObjectMetadataList",
        rawBeta.toByteArray()));
  }

  @Test
  void emptyJsonListsHaveNullItemsAsGoWritesANilSlice() {
    var env = JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 5, null, null);
    assertThat(new String(new JsonListEncoder(env, List.<CachedObject>of().iterator(), false).nextChunk(), StandardCharsets.UTF_8))
        .isEqualTo("{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":null}\n");
    assertThat(new String(new JsonListEncoder(env, List.<CachedObject>of().iterator(), true).nextChunk(), StandardCharsets.UTF_8))
        .isEqualTo("{\n  \"kind\": \"PartialObjectMetadataList\",\n  \"apiVersion\": \"meta.k8s.io/v1\",\n  \"metadata\": {\n"
            + "    \"resourceVersion\": \"5\"\n  },\n  \"items\": null\n}");
  }

  @Test
  void watchEventsAndBookmarksInBothEncodings() throws Exception {
    CachedObject o = cached(compact(resource("configmap-a.object.json")));
    PartialObjectMetadataCodec codec = new PartialObjectMetadataCodec(false);
    var json = new PartialObjectMetadataWatchEncoder(codec, "meta.k8s.io/v1", false, false);
    assertThat(new String(json.encode(new WatchSink.Event(EventType.BOOKMARK, null, 42, true)), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
            + "\"metadata\":{\"resourceVersion\":\"42\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}\n");
    String added = new String(json.encode(new WatchSink.Event(EventType.ADDED, o, o.resourceVersion(), false)), StandardCharsets.UTF_8);
    assertThat(added).isEqualTo("{\"type\":\"ADDED\",\"object\":" + new String(compact(resource("configmap-a.pom.json")), StandardCharsets.UTF_8) + "}\n");
    // A selector exit: the previous state re-labelled with the event's RV.
    String exit = new String(json.encode(new WatchSink.Event(EventType.DELETED, o, 999, false)), StandardCharsets.UTF_8);
    assertThat(exit).contains("\"resourceVersion\":\"999\"").doesNotContain("\"resourceVersion\":\"" + o.resourceVersion() + "\"");

    var pb = new PartialObjectMetadataWatchEncoder(codec, "meta.k8s.io/v1", true, false);
    byte[] frame = pb.encode(new WatchSink.Event(EventType.MODIFIED, o, o.resourceVersion(), false));
    int length = (frame[0] & 0xff) << 24 | (frame[1] & 0xff) << 16 | (frame[2] & 0xff) << 8 | (frame[3] & 0xff);
    assertThat(length).isEqualTo(frame.length - 4);
    byte[] envelope = resource("configmap-a.pom.pb");
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    event.writeBytes(new byte[] {0x0a, 8});
    event.writeBytes("MODIFIED".getBytes(StandardCharsets.US_ASCII));
    byte[] rawExt = new ProtoWriter().bytes(1, envelope).toByteArray();
    event.write(0x12);
    event.writeBytes(varint(rawExt.length));
    event.writeBytes(rawExt);
    assertThat(java.util.Arrays.copyOfRange(frame, 4, frame.length)).isEqualTo(event.toByteArray());
    assertThat(pb.contentType()).isEqualTo("application/vnd.kubernetes.protobuf;stream=watch");
    assertThat(json.contentType()).isEqualTo("application/json");
  }

  static byte[] drain(ProtobufListEncoder enc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c = enc.nextChunk(); c != null; c = enc.nextChunk()) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  static byte[] varint(long v) {
    List<Byte> out = new ArrayList<>();
    while ((v & ~0x7FL) != 0) {
      out.add((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.add((byte) v);
    byte[] b = new byte[out.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = out.get(i);
    }
    return b;
  }
}
