package dev.breakwater.cache.codec;

import static dev.breakwater.cache.codec.JsonListEncoderTest.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The list encoders' chunks as read-only slices ({@link BodyChunks#nextSlices}): the bytes are
 * exactly the document assembled the plain way (string concatenation of envelope and stored
 * items, or {@link ProtobufWire#envelope} around a list message built whole), at every chunk
 * boundary; every buffer is read-only; reading the slices as a socket does (advancing them) leaves
 * the stored objects untouched; a chunk holds about {@link JsonListEncoder#CHUNK_BYTES} of payload.
 */
class ListSlicesTest {

  static final int CHUNK = JsonListEncoder.CHUNK_BYTES;

  /** An object whose stored JSON is exactly {@code size} bytes. */
  static CachedObject sized(int i, int size) {
    String head = "{\"metadata\":{\"name\":\"o" + i + "\",\"namespace\":\"ns\",\"resourceVersion\":\"" + (i + 1) + "\"},\"data\":{\"k\":\"";
    String tail = "\"}}";
    return obj(head + "v".repeat(size - head.length() - tail.length()) + tail);
  }

  record Drained(byte[] body, List<ByteBuffer[]> chunks, List<Long> chunkBytes) {}

  /** Reads every chunk as a socket would: gets the bytes, advancing each buffer's position. */
  static Drained drain(BodyChunks e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ByteBuffer[]> chunks = new ArrayList<>();
    List<Long> chunkBytes = new ArrayList<>();
    for (ByteBuffer[] c = e.nextSlices(); c != null; c = e.nextSlices()) {
      assertThat(c).isNotEmpty();
      long n = 0;
      for (ByteBuffer b : c) {
        n += b.remaining();
      }
      chunkBytes.add(n);
      for (ByteBuffer b : c) {
        assertThat(b.isReadOnly()).isTrue();
        assertThatThrownBy(() -> b.put(b.position(), (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.writeBytes(bytes);
      }
      chunks.add(c);
    }
    assertThat(e.nextSlices()).isNull();
    return new Drained(out.toByteArray(), chunks, chunkBytes);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static String expectedJson(JsonListEncoder.Envelope env, List<CachedObject> items) {
    StringBuilder sb = new StringBuilder("{\"kind\":\"" + env.listKind() + "\",\"apiVersion\":\"" + env.apiVersion()
        + "\",\"metadata\":{\"resourceVersion\":\"" + env.resourceVersion() + "\"");
    if (env.continueToken() != null) {
      sb.append(",\"continue\":\"").append(env.continueToken()).append('"');
    }
    if (env.remainingItemCount() != null) {
      sb.append(",\"remainingItemCount\":").append(env.remainingItemCount());
    }
    sb.append("},\"items\":[");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(items.get(i).jsonString());
    }
    return sb.append("]}\n").toString();
  }

  @Test
  void compactJsonAtEveryChunkBoundary() {
    var env = new JsonListEncoder.Envelope("ConfigMapList", "v1", 767, null, null);
    int header = ("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"767\"},\"items\":[").length();
    // Items sized so that the payload reaches CHUNK_BYTES exactly, one byte before and one byte after,
    // with the boundary on an item, on a comma, and with items larger than a chunk.
    int base = (CHUNK - header) / 4;
    for (int size : new int[] {base - 1, base, base + 1, (CHUNK - header - 3) / 4, 200, CHUNK - header, CHUNK + 7, 3 * CHUNK}) {
      for (int n : new int[] {1, 2, 4, 5, 9, 17}) {
        List<CachedObject> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(sized(i, Math.max(size, 120)));
        }
        Drained d = drain(new JsonListEncoder(env, items.iterator(), false));
        assertThat(text(d.body())).as("size %d × %d", size, n).isEqualTo(expectedJson(env, items));
        assertChunkSizes(d, Math.max(size, 120));
      }
    }
  }

  /** Every chunk but the last holds at least CHUNK_BYTES, and no more than CHUNK_BYTES plus one item and its envelope. */
  static void assertChunkSizes(Drained d, int largestItem) {
    for (int i = 0; i < d.chunkBytes().size(); i++) {
      long bytes = d.chunkBytes().get(i);
      if (i < d.chunkBytes().size() - 1) {
        assertThat(bytes).as("chunk %d", i).isGreaterThanOrEqualTo(CHUNK);
      }
      assertThat(bytes).as("chunk %d", i).isLessThan(CHUNK + largestItem + 512L);
    }
  }

  @Test
  void emptyAndOneObjectListsAndTheEnvelopesListMeta() {
    for (var env : List.of(new JsonListEncoder.Envelope("ConfigMapList", "v1", 5, null, null),
        new JsonListEncoder.Envelope("ConfigMapList", "v1", 5, "eyJ2Ijoi", 3L),
        new JsonListEncoder.Envelope("ConfigMapList", "v1", 5, null, 0L))) {
      for (List<CachedObject> items : List.of(List.<CachedObject>of(), List.of(sized(0, 300)))) {
        Drained d = drain(new JsonListEncoder(env, items.iterator(), false));
        assertThat(text(d.body())).isEqualTo(expectedJson(env, items));
        assertThat(d.chunks()).hasSize(1);
      }
    }
    // Unstructured (custom resources): continue always written, ListMeta after the items.
    CachedObject cr = obj("{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\",\"resourceVersion\":\"210\"}}");
    assertThat(text(drain(new JsonListEncoder(new JsonListEncoder.Envelope("WidgetList", "e2e.breakwater.dev/v1", 215, "eyJ2", 2L, true),
        List.of(cr).iterator(), false)).body()))
        .isEqualTo("{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"items\":[" + cr.jsonString() + "],\"kind\":\"WidgetList\",\"metadata\":"
            + "{\"continue\":\"eyJ2\",\"remainingItemCount\":2,\"resourceVersion\":\"215\"}}\n");
  }

  @Test
  void prettyIsTheIndentedCompactDocumentAcrossChunks() {
    for (int n : new int[] {0, 1, 40}) {
      List<CachedObject> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(sized(i, 5_000));
      }
      for (var env : List.of(new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, "tok", 4L),
          new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null, true))) {
        String compact = text(drain(new JsonListEncoder(env, items.iterator(), false)).body());
        Drained pretty = drain(new JsonListEncoder(env, items.iterator(), true));
        assertThat(text(pretty.body())).as("n=%d", n).isEqualTo(text(GoJson.indent(
            compact.substring(0, compact.length() - 1).getBytes(StandardCharsets.UTF_8), "", "  ")));
        if (n == 40) {
          assertThat(pretty.chunks().size()).isGreaterThan(2);
        }
      }
    }
  }

  @Test
  void storedBytesAreUnchangedByEncodingAndReading() {
    List<CachedObject> items = new ArrayList<>();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(sized(i, 9_000));
      before.add(items.get(i).jsonString());
    }
    var env = new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null);
    Supplier<List<BodyChunks>> encoders = () -> List.of(new JsonListEncoder(env, items.iterator(), false),
        new ProtobufListEncoder("v1", "ConfigMapList", 9, null, null, items, ProtobufListEncoder.STORED, 1, 2),
        new JsonListEncoder(JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 9, null, null), items.iterator(), false,
            new PartialObjectMetadataCodec(false).jsonListItem("meta.k8s.io/v1")));
    for (int round = 0; round < 2; round++) { // the second round reads the same objects again
      for (BodyChunks e : encoders.get()) {
        drain(e);
      }
    }
    for (int i = 0; i < items.size(); i++) {
      CachedObject o = items.get(i);
      assertThat(o.jsonString()).isEqualTo(before.get(i));
      ByteBuffer view = o.jsonBuffer();
      assertThat(view.position()).isZero();
      assertThat(view.remaining()).isEqualTo(o.jsonLength());
    }
  }

  @Test
  void sharedSeparatorsAreNeverHandedOut() {
    List<CachedObject> items = List.of(sized(0, 200), sized(1, 200), sized(2, 200));
    var env = new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null);
    ByteBuffer[] first = new JsonListEncoder(env, items.iterator(), false).nextSlices();
    ByteBuffer[] second = new JsonListEncoder(env, items.iterator(), false).nextSlices();
    for (int i = 0; i < first.length; i++) {
      assertThat(first[i]).as("slice %d", i).isNotSameAs(second[i]);
    }
    // Draining the first leaves the second's bytes whole.
    for (ByteBuffer b : first) {
      b.position(b.limit());
    }
    assertThat(text(Slices.concat(second))).isEqualTo(expectedJson(env, items));
  }

  @Test
  void protobufListIsTheWholeListMessageAtEveryChunkBoundary() {
    for (int size : new int[] {127, 128, 16_383, 16_384, CHUNK / 3, CHUNK + 1}) {
      for (int n : new int[] {0, 1, 3, 7}) {
        List<CachedObject> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(sized(i, Math.max(size, 120)));
        }
        for (Long remaining : new Long[] {null, 12L}) {
          String token = remaining == null ? null : "eyJ2";
          Drained d = drain(new ProtobufListEncoder("v1", "ConfigMapList", 77, token, remaining, items, ProtobufListEncoder.STORED, 1, 2));
          ProtoWriter listMeta = new ProtoWriter().string(1, "").string(2, "77").string(3, token == null ? "" : token);
          if (remaining != null) {
            listMeta.int64(4, remaining);
          }
          ProtoWriter list = new ProtoWriter().message(1, listMeta.toByteArray());
          for (CachedObject o : items) {
            list.bytes(2, o.copyJson());
          }
          assertThat(d.body()).as("size %d × %d", size, n).isEqualTo(ProtobufWire.envelope("v1", "ConfigMapList", list.toByteArray()));
          assertChunkSizes(d, Math.max(size, 120));
        }
      }
    }
  }

  @Test
  void partialObjectMetadataJsonListsUseTheStoredMetadata() {
    List<CachedObject> items = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      items.add(sized(i, 4_000));
    }
    PartialObjectMetadataCodec pom = new PartialObjectMetadataCodec(false);
    var env = JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 9, "c", 1L);
    String viaSlices = text(drain(new JsonListEncoder(env, items.iterator(), false, pom.jsonListItem("meta.k8s.io/v1"))).body());
    String viaCopies = text(drain(new JsonListEncoder(env, items.iterator(), false,
        o -> PartialObjectMetadataCodec.json("meta.k8s.io/v1", pom.metadataJson(o)))).body());
    assertThat(viaSlices).isEqualTo(viaCopies).contains("{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
        + "\"metadata\":{\"name\":\"o0\",\"namespace\":\"ns\",\"resourceVersion\":\"1\"}}");
    assertThat(text(drain(new JsonListEncoder(env, List.<CachedObject>of().iterator(), false, pom.jsonListItem("meta.k8s.io/v1"))).body()))
        .endsWith("\"items\":null}\n");
  }

  @Test
  void aChunkRefusesWritableBuffersItDidNotCopy() {
    assertThatThrownBy(() -> new Slices.Chunk().addFresh(ByteBuffer.allocate(3))).isInstanceOf(IllegalArgumentException.class);
    ByteBuffer writable = ByteBuffer.wrap(new byte[] {1, 2, 3});
    ByteBuffer[] c = new Slices.Chunk().add(writable).toArray();
    assertThat(c[0].isReadOnly()).isTrue();
    c[0].get();
    assertThat(writable.position()).isZero();
  }
}
