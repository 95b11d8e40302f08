package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes watch events as the apiserver writes them in JSON: one
 * {@code {"type":"ADDED","object":{…}}} per line, the object with its TypeMeta (built-ins are
 * stored bare, see {@link TypeMeta}); a BOOKMARK is an empty object of the kind carrying only
 * {@code metadata.resourceVersion} and, when it ends the initial events, the
 * {@code k8s.io/initial-events-end} annotation (bytes verified on 1.36.3).
 *
 * <p>The object's {@code metadata.resourceVersion} is the event's RV: for a selector exit the
 * apiserver sends the previous state with the event RV, so when the two differ the value is
 * replaced in the bytes (the only case an object is rewritten). Stateless, thread-safe.
 */
public final class JsonWatchEncoder implements WatchEventEncoder {

  private static final JsonFactory FACTORY = new JsonFactory();

  private final TypeMeta typeMeta;
  private final boolean unstructured;
  private final java.util.function.Supplier<byte[]> bookmarkTail;

  public JsonWatchEncoder(TypeMeta typeMeta) {
    this(typeMeta, false);
  }

  /** {@code unstructured} for custom resources: bookmarks are written with sorted keys (verified on 1.36.3). */
  public JsonWatchEncoder(TypeMeta typeMeta, boolean unstructured) {
    this(typeMeta, unstructured, () -> null);
  }

  /**
   * @param bookmarkTail what follows {@code metadata} in the upstream's bookmarks of this kind
   *     ({@link JsonFrames#bookmarkTail()}); null (not seen yet) writes {@code }} — right for kinds
   *     with no always-written fields, like ConfigMap
   */
  public JsonWatchEncoder(TypeMeta typeMeta, boolean unstructured, java.util.function.Supplier<byte[]> bookmarkTail) {
    this.typeMeta = typeMeta;
    this.unstructured = unstructured;
    this.bookmarkTail = bookmarkTail;
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public byte[] encode(WatchSink.Event e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(e.object() == null ? 160 : e.object().jsonLength() + 96);
    out.writeBytes(ascii("{\"type\":\"" + e.type().name() + "\",\"object\":"));
    if (e.type() == EventType.BOOKMARK && unstructured) {
      // Custom resources: an unstructured object, keys sorted.
      out.writeBytes(ascii("{\"apiVersion\":\"" + typeMeta.apiVersion() + "\",\"kind\":\"" + typeMeta.kind() + "\",\"metadata\":{"
          + (e.initialEventsEnd() ? "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}," : "")
          + "\"resourceVersion\":\"" + Long.toUnsignedString(e.resourceVersion()) + "\"}}"));
    } else if (e.type() == EventType.BOOKMARK) {
      out.writeBytes(ascii("{\"kind\":\"" + typeMeta.kind() + "\",\"apiVersion\":\"" + typeMeta.apiVersion()
          + "\",\"metadata\":{\"resourceVersion\":\"" + Long.toUnsignedString(e.resourceVersion()) + "\""
          + (e.initialEventsEnd() ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}"));
      byte[] tail = bookmarkTail.get();
      out.writeBytes(tail == null ? new byte[] {'}'} : tail);
    } else {
      CachedObject o = e.object();
      byte[] json = o.copyJson();
      if (o.resourceVersion() != e.resourceVersion()) {
        json = withResourceVersion(json, e.resourceVersion());
      }
      if (bare(json)) {
        out.writeBytes(typeMeta.prefix());
        out.write(json, 1, json.length - 1);
      } else {
        out.writeBytes(json);
      }
    }
    out.writeBytes(ascii("}\n"));
    return out.toByteArray();
  }

  /** A built-in object as stored (LIST item form): it starts with its metadata, not its TypeMeta. */
  static boolean bare(byte[] json) {
    return json.length > 12 && json[0] == '{' && json[1] == '"' && json[2] == 'm' && json[3] == 'e' && json[4] == 't' && json[5] == 'a';
  }

  /**
   * {@code json} with {@code metadata.resourceVersion} set to {@code rv} (inserted as the
   * metadata's first field when absent). Malformed input is returned unchanged.
   */
  static byte[] withResourceVersion(byte[] json, long rv) {
    byte[] value = ascii("\"" + Long.toUnsignedString(rv) + "\"");
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return json;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!"metadata".equals(field) || t != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        int metaStart = (int) p.currentTokenLocation().getByteOffset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String m = p.currentName();
          p.nextToken();
          if ("resourceVersion".equals(m)) {
            p.getText(); // strings are parsed lazily: read it so the location moves past its end
            int start = (int) p.currentTokenLocation().getByteOffset();
            int end = (int) p.currentLocation().getByteOffset();
            return splice(json, start, end, value);
          }
          p.skipChildren();
        }
        byte[] insert = ascii("\"resourceVersion\":\"" + Long.toUnsignedString(rv) + "\"" + (json[metaStart + 1] == '}' ? "" : ","));
        return splice(json, metaStart + 1, metaStart + 1, insert);
      }
    } catch (IOException e) {
      return json;
    }
    return json;
  }

  private static byte[] splice(byte[] json, int start, int end, byte[] replacement) {
    byte[] out = new byte[json.length - (end - start) + replacement.length];
    System.arraycopy(json, 0, out, 0, start);
    System.arraycopy(replacement, 0, out, start, replacement.length);
    System.arraycopy(json, end, out, start + replacement.length, json.length - end);
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
