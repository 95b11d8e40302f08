package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.UpstreamKeyPage;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.reflector.WatchFrame;
import dev.breakwater.cache.status.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes what the upstream sends a reflector, in JSON, without building object trees: a LIST
 * page (its {@code metadata.resourceVersion}, {@code metadata.continue} and the byte range of
 * each item, handed to the {@link ObjectExtractor}), and one watch frame
 * ({@code {"type":…,"object":{…}}}, one per line as the apiserver writes them).
 *
 * <p>Each item keeps the exact bytes upstream sent. Bad input → {@link FrameDecodeException} with a
 * one-line reason; never a partial result. Thread-safe (stateless but for the extractor, which
 * is thread-safe).
 */
public final class JsonFrames {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000)
          .maxStringLength(Integer.MAX_VALUE).maxDocumentLength(-1).build())
      .build();

  private final ObjectExtractor extractor;
  private final TypeMeta builtIn;
  private volatile byte[] bookmarkTail;

  /** For custom resources: objects are kept exactly as sent. */
  public JsonFrames(ObjectExtractor extractor) {
    this(extractor, null);
  }

  /**
   * For built-in resources: objects are kept bare, as LIST items are written; a watch object's
   * leading {@code {"kind":…,"apiVersion":…,} is replaced by {@code {} (see {@link TypeMeta}).
   */
  public JsonFrames(ObjectExtractor extractor, TypeMeta builtIn) {
    this.extractor = extractor;
    this.builtIn = builtIn;
  }

  /** Decodes one LIST page ({@code *List} kind) held whole in {@code json}. */
  public UpstreamListPage listPage(byte[] json) throws FrameDecodeException {
    long rv = -1;
    String cont = "";
    List<CachedObject> items = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, "LIST response is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String m = p.currentName();
            p.nextToken();
            if ("resourceVersion".equals(m)) {
              rv = parseRv(p.getText());
            } else if ("continue".equals(m)) {
              cont = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            items.add(extract(json, start, end - start));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new FrameDecodeException("malformed LIST response: " + firstLine(e.getMessage()));
    }
    expect(rv >= 0, "LIST response has no metadata.resourceVersion");
    return new UpstreamListPage(rv, cont, items);
  }

  /**
   * Decodes one LIST page held whole in {@code json} to its keys only ({@link UpstreamKeyPage}): what the
   * consistency check reads from the upstream, usually a {@code PartialObjectMetadataList} (any {@code *List}
   * does). Every item must carry {@code metadata.name} and {@code metadata.resourceVersion}; the list must carry
   * {@code metadata.resourceVersion}. Bad input (not JSON, truncated, wrong shapes, an item without a name or
   * resourceVersion) → {@link FrameDecodeException}, never a partial page.
   */
  public static UpstreamKeyPage keyPage(byte[] json) throws FrameDecodeException {
    long rv = -1;
    String cont = "";
    List<UpstreamKeyPage.Key> items = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, "LIST response is not a JSON object");
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String m = p.currentName();
            JsonToken mv = p.nextToken();
            if ("resourceVersion".equals(m) && mv == JsonToken.VALUE_STRING) {
              rv = parseRv(p.getText());
            } else if ("continue".equals(m) && mv == JsonToken.VALUE_STRING) {
              cont = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
          JsonToken it;
          while ((it = p.nextToken()) == JsonToken.START_OBJECT) {
            items.add(itemKey(p));
          }
          expect(it == JsonToken.END_ARRAY, "LIST items is not an array of objects");
        } else if ("items".equals(field) && value != JsonToken.VALUE_NULL) {
          throw new FrameDecodeException("LIST items is not an array");
        } else {
          p.skipChildren();
        }
      }
      expect(t == JsonToken.END_OBJECT, "malformed LIST response");
      expect(p.nextToken() == null, "trailing data after the LIST response");
    } catch (IOException e) {
      throw new FrameDecodeException("malformed LIST response: " + firstLine(e.getMessage()));
    }
    expect(rv >= 0, "LIST response has no metadata.resourceVersion");
    return new UpstreamKeyPage(rv, cont, items);
  }

  /** The key of the item whose START_OBJECT is the current token; leaves the parser on its END_OBJECT. */
  private static UpstreamKeyPage.Key itemKey(JsonParser p) throws IOException, FrameDecodeException {
    String ns = "";
    String name = null;
    String rv = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String m = p.currentName();
          JsonToken mv = p.nextToken();
          if (mv == JsonToken.VALUE_STRING && "namespace".equals(m)) {
            ns = p.getText();
          } else if (mv == JsonToken.VALUE_STRING && "name".equals(m)) {
            name = p.getText();
          } else if (mv == JsonToken.VALUE_STRING && "resourceVersion".equals(m)) {
            rv = p.getText();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    expect(name != null && !name.isEmpty(), "LIST item without metadata.name");
    expect(rv != null && !rv.isEmpty(), "LIST item " + name + " without metadata.resourceVersion");
    return new UpstreamKeyPage.Key(ns, name, rv);
  }

  /** Decodes one watch frame held in {@code json[offset, offset+length)}. */
  public WatchFrame watchFrame(byte[] json, int offset, int length) throws FrameDecodeException {
    String type = null;
    int objStart = -1;
    int objEnd = -1;
    try (JsonParser p = FACTORY.createParser(json, offset, length)) {
      expect(p.nextToken() == JsonToken.START_OBJECT, "watch frame is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("type".equals(field)) {
          type = p.getText();
        } else if ("object".equals(field) && value == JsonToken.START_OBJECT) {
          objStart = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          objEnd = (int) p.currentLocation().getByteOffset();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new FrameDecodeException("malformed watch frame: " + firstLine(e.getMessage()));
    }
    expect(type != null && objStart >= 0, "watch frame without type or object");
    // Jackson's byte offsets are relative to the given offset.
    int start = offset + objStart;
    int len = objEnd - objStart;
    return switch (type) {
      case "ADDED" -> new WatchFrame.Event(EventType.ADDED, extract(json, start, len));
      case "MODIFIED" -> new WatchFrame.Event(EventType.MODIFIED, extract(json, start, len));
      case "DELETED" -> new WatchFrame.Event(EventType.DELETED, extract(json, start, len));
      case "BOOKMARK" -> bookmark(json, start, len);
      case "ERROR" -> new WatchFrame.Error(status(json, start, len));
      default -> throw new FrameDecodeException("unknown watch event type \"" + type + "\"");
    };
  }

  private CachedObject extract(byte[] json, int start, int len) throws FrameDecodeException {
    Result<CachedObject> r;
    int strip = builtIn == null ? 0 : builtIn.prefixLengthAt(json, start, len);
    if (strip > 0) {
      // Bare form: "{" + everything after the TypeMeta prefix.
      byte[] bare = new byte[len - strip + 1];
      bare[0] = '{';
      System.arraycopy(json, start + strip, bare, 1, len - strip);
      r = extractor.extract(bare);
    } else {
      r = extractor.extract(json, start, len);
    }
    if (r instanceof Result.Ok<CachedObject> ok) {
      return ok.value();
    }
    throw new FrameDecodeException("undecodable object: " + ((Result.Err<CachedObject>) r).status().message());
  }

  private WatchFrame.Bookmark bookmark(byte[] json, int start, int len) throws FrameDecodeException {
    WatchFrame.Bookmark b = parseBookmark(json, start, len);
    if (bookmarkTail == null) {
      // The fields after metadata of the kind's empty object, which Go writes even when empty
      // (a Service's "spec":{},"status":{"loadBalancer":{}}): kept so bookmarks from the cache carry them too.
      try {
        int[] meta = JsonScan.member(json, start, "metadata");
        if (meta != null) {
          bookmarkTail = java.util.Arrays.copyOfRange(json, meta[1], start + len);
        }
      } catch (IllegalArgumentException e) {
        throw new FrameDecodeException("malformed bookmark: " + e.getMessage());
      }
    }
    return b;
  }

  /**
   * What follows {@code metadata} in the upstream's bookmark objects of this kind (through the
   * closing brace), from the first bookmark seen; null until then.
   */
  public byte[] bookmarkTail() {
    return bookmarkTail;
  }

  private static WatchFrame.Bookmark parseBookmark(byte[] json, int start, int len) throws FrameDecodeException {
    long rv = -1;
    boolean end = false;
    try (JsonParser p = FACTORY.createParser(json, start, len)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("metadata".equals(field) && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String m = p.currentName();
            JsonToken mv = p.nextToken();
            if ("resourceVersion".equals(m)) {
              rv = parseRv(p.getText());
            } else if ("annotations".equals(m) && mv == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if ("k8s.io/initial-events-end".equals(key) && "true".equals(p.getText())) {
                  end = true;
                }
                p.skipChildren();
              }
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new FrameDecodeException("malformed bookmark: " + firstLine(e.getMessage()));
    }
    expect(rv >= 0, "bookmark without metadata.resourceVersion");
    return new WatchFrame.Bookmark(rv, end);
  }

  private static UpstreamStatusException status(byte[] json, int start, int len) throws FrameDecodeException {
    int code = 0;
    String reason = "";
    String message = "";
    try (JsonParser p = FACTORY.createParser(json, start, len)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "code" -> code = p.getIntValue();
          case "reason" -> reason = p.getText();
          case "message" -> message = p.getText();
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new FrameDecodeException("malformed error status: " + firstLine(e.getMessage()));
    }
    return new UpstreamStatusException(code, reason, message);
  }

  /** Decodes a Status body of a non-2xx answer; a body that is not a Status keeps the HTTP code. */
  public static UpstreamStatusException statusBody(int httpCode, byte[] json) {
    try {
      UpstreamStatusException s = status(json, 0, json.length);
      return s.code() == 0 ? new UpstreamStatusException(httpCode, s.reason(), s.getMessage()) : s;
    } catch (FrameDecodeException e) {
      return new UpstreamStatusException(httpCode, "", new String(json, 0, Math.min(json.length, 200),
          java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static long parseRv(String s) throws FrameDecodeException {
    if (s == null || s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new FrameDecodeException("invalid resourceVersion \"" + s + "\"");
    }
  }

  private static void expect(boolean ok, String message) throws FrameDecodeException {
    if (!ok) {
      throw new FrameDecodeException(message);
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse(s);
  }
}
