package dev.breakwater.cache.codec.yaml;

import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.codec.Slices;
import dev.breakwater.cache.object.CachedObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * A LIST body in YAML, as the apiserver writes it: {@code JSONToYAML} of the list's JSON, i.e. one
 * document with the keys sorted — {@code apiVersion}, {@code items} (a block sequence at the
 * mapping's indent, each item the object's YAML; {@code items: []} when empty, {@code items: null}
 * for an empty PartialObjectMetadataList), {@code kind}, {@code metadata} (ListMeta: {@code continue}
 * when set, or always for custom resources, whose lists are unstructured; {@code remainingItemCount};
 * {@code resourceVersion}). The apiserver converts the whole list in memory; here it is streamed
 * item by item in chunks of about {@link JsonListEncoder#CHUNK_BYTES}, pulled under back-pressure,
 * so a response holds one chunk and one item's tree at a time.
 *
 * <p>Bad input: the constructor checks every item first (a byte scan, and a full read of the few
 * items it cannot clear: non-ASCII, long strings, surrogate escapes) and throws
 * {@link YamlConversionException} for one the apiserver's conversion would fail on — its answer is
 * then a 500 for the whole list, which the caller leaves to the apiserver — so no byte is written
 * for a body that could not be finished.
 *
 * <p>Single-threaded: one encoder per response, driven from one thread at a time.
 */
public final class YamlListEncoder implements BodyChunks {

  private final JsonListEncoder.Envelope envelope;
  private final Iterator<CachedObject> items;
  private final JsonListEncoder.Item item;
  private final YamlEmitter emitter = new YamlEmitter();
  private boolean started;
  /** Whether {@code items} is a sequence (not the {@code null} of an empty PartialObjectMetadataList). */
  private boolean sequenceOpen;
  private boolean done;

  /**
   * @param envelope the list's kind, apiVersion and ListMeta, as {@link JsonListEncoder} takes them
   * @param items the page, iterated twice (check, then write)
   * @param item each item's compact JSON (stored bytes, or PartialObjectMetadata around them)
   */
  public YamlListEncoder(JsonListEncoder.Envelope envelope, Iterable<CachedObject> items, JsonListEncoder.Item item) {
    this.envelope = envelope;
    this.item = item;
    for (CachedObject o : items) {
      // stored bytes are scanned in place; made items (PartialObjectMetadata) once assembled
      if (item == JsonListEncoder.STORED ? !fastSafe(o.jsonBuffer()) : !fastSafe(ByteBuffer.wrap(json(o)))) {
        JsonToYaml.parse(json(o)); // throws if the apiserver's conversion would fail
      }
    }
    this.items = items.iterator();
  }

  private byte[] json(CachedObject o) {
    Slices.Chunk c = new Slices.Chunk();
    item.addTo(c, o);
    return Slices.concat(c.toArray());
  }

  @Override
  public ByteBuffer[] nextSlices() {
    if (done) {
      return null;
    }
    if (!started) {
      started = true;
      emitter.emit(YamlEmitter.STREAM_START);
      emitter.emit(YamlEmitter.DOCUMENT_START);
      emitter.emit(YamlEmitter.MAPPING_START);
      key("apiVersion");
      JsonToYaml.string(utf8(envelope.apiVersion())).emit(emitter);
      key("items");
      sequenceOpen = items.hasNext() || !envelope.nullWhenEmpty();
      if (sequenceOpen) {
        emitter.emit(YamlEmitter.SEQUENCE_START);
      } else {
        emitter.scalar(utf8("null"), YamlEmitter.PLAIN);
      }
    }
    while (emitter.pending() < JsonListEncoder.CHUNK_BYTES && items.hasNext()) {
      JsonToYaml.parse(json(items.next())).emit(emitter);
    }
    if (!items.hasNext()) {
      done = true;
      if (sequenceOpen) {
        emitter.emit(YamlEmitter.SEQUENCE_END);
      }
      key("kind");
      JsonToYaml.string(utf8(envelope.listKind())).emit(emitter);
      key("metadata");
      metadata();
      emitter.emit(YamlEmitter.MAPPING_END);
      emitter.emit(YamlEmitter.DOCUMENT_END);
      emitter.finish();
    }
    return new ByteBuffer[] {ByteBuffer.wrap(emitter.take()).asReadOnlyBuffer()};
  }

  private void key(String k) {
    JsonToYaml.string(utf8(k)).emit(emitter);
  }

  /** ListMeta, keys sorted: continue (typed lists only when set), remainingItemCount, resourceVersion, shardInfo. */
  private void metadata() {
    emitter.emit(YamlEmitter.MAPPING_START);
    String token = envelope.continueToken();
    if (envelope.unstructured() || (token != null && !token.isEmpty())) {
      key("continue");
      JsonToYaml.string(utf8(token == null ? "" : token)).emit(emitter);
    }
    if (envelope.remainingItemCount() != null) {
      key("remainingItemCount");
      JsonToYaml.number(Long.toString(envelope.remainingItemCount())).emit(emitter);
    }
    key("resourceVersion");
    JsonToYaml.string(utf8(Long.toUnsignedString(envelope.resourceVersion()))).emit(emitter);
    if (envelope.shardInfo() != null) {
      key("shardInfo");
      emitter.emit(YamlEmitter.MAPPING_START);
      key("selector");
      JsonToYaml.string(utf8(envelope.shardInfo())).emit(emitter);
      emitter.emit(YamlEmitter.MAPPING_END);
    }
    emitter.emit(YamlEmitter.MAPPING_END);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * True when {@code json} surely converts: printable ASCII only, no escaped surrogate, no string
   * longer than 1 000 bytes but values (a key over 1 022 characters is no simple key to yaml.v2).
   * False means "read it fully to know".
   */
  static boolean fastSafe(byte[] b) {
    return fastSafe(ByteBuffer.wrap(b));
  }

  /** {@link #fastSafe(byte[])} over a buffer's remaining bytes (absolute reads: the buffer is not moved). */
  static boolean fastSafe(ByteBuffer buf) {
    int base = buf.position();
    int n = buf.remaining();
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < n; i++) {
      int c = buf.get(base + i) & 0xFF;
      if (c >= 0x7F || c < 0x20) {
        return false;
      }
      if (inString) {
        if (c == '\\') {
          if (i + 3 < n && buf.get(base + i + 1) == 'u' && (buf.get(base + i + 2) == 'd' || buf.get(base + i + 2) == 'D')) {
            return false;
          }
          i++;
        } else if (c == '"') {
          inString = false;
          if (i - start > 1000 && (i + 1 >= n || buf.get(base + i + 1) != ',' && buf.get(base + i + 1) != '}'
              && buf.get(base + i + 1) != ']')) {
            return false; // a long key (a long value is followed by , } or ]): the full read decides
          }
        }
      } else if (c == '"') {
        inString = true;
        start = i;
      }
    }
    return true;
  }
}
