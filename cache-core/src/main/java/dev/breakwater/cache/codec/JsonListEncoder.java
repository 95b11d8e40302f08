package dev.breakwater.cache.codec;

import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Writes a LIST response body in JSON, item by item from each object's stored bytes, in
 * chunks of about {@link #CHUNK_BYTES}: the caller pulls {@link #nextChunk()} only while its
 * output can take more (back-pressure), so the extra memory of one response is one chunk plus
 * the largest object, whatever the list's size.
 *
 * <p>Compact bodies are written without copying an object: each chunk is the stored bytes' read-only
 * slices between small envelope and separator buffers ({@link BodyChunks}).
 *
 * <p>Bytes are those of the apiserver's encoder: compact
 * {@code {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"…","remainingItemCount":3,"shardInfo":{"selector":"…"}},"items":[…]}\n}
 * (ListMeta fields in Go's order, omitted when empty), or with {@code pretty} the same document
 * as Go's {@code json.MarshalIndent(…, "", "  ")} renders it, with no trailing newline (verified on
 * 1.36.3) — produced per item, streamed, where the apiserver buffers the whole indented list.
 *
 * <p>Single-threaded: one encoder per response, driven from one thread at a time.
 */
public final class JsonListEncoder implements BodyChunks {

  public static final int CHUNK_BYTES = 64 * 1024;
  private static final byte[] NEWLINE = {'\n'};

  /**
   * The list envelope: kind ({@code ConfigMapList}), apiVersion and ListMeta. {@code unstructured}
   * for custom resources, whose lists the apiserver writes as unstructured maps: keys sorted
   * ({@code apiVersion, items, kind, metadata}; {@code continue, remainingItemCount,
   * resourceVersion}) and {@code "continue":""} even on the last page (verified on 1.36.3).
   */
  public record Envelope(String listKind, String apiVersion, long resourceVersion, String continueToken, Long remainingItemCount,
      boolean unstructured, boolean nullWhenEmpty, String shardInfo) {

    public Envelope(String listKind, String apiVersion, long resourceVersion, String continueToken, Long remainingItemCount,
        boolean unstructured, boolean nullWhenEmpty) {
      this(listKind, apiVersion, resourceVersion, continueToken, remainingItemCount, unstructured, nullWhenEmpty, null);
    }

    public Envelope(String listKind, String apiVersion, long resourceVersion, String continueToken, Long remainingItemCount,
        boolean unstructured) {
      this(listKind, apiVersion, resourceVersion, continueToken, remainingItemCount, unstructured, false);
    }

    /**
     * With {@code ListMeta.shardInfo} = {@code {"selector": shardInfo}} (null: none), written after
     * {@code remainingItemCount} as Go's encoder orders ListMeta. Only typed lists of built-ins carry it: the
     * apiserver's {@code SetShardInfoOnList} needs {@code metav1.ShardedListInterface}, which
     * {@code UnstructuredList} (custom resources) does not implement, and PartialObjectMetadataList and Table
     * conversions copy only resourceVersion, continue and remainingItemCount (verified on 1.36.3, gate on).
     */
    public Envelope withShardInfo(String shardInfo) {
      return new Envelope(listKind, apiVersion, resourceVersion, continueToken, remainingItemCount, unstructured, nullWhenEmpty,
          unstructured || nullWhenEmpty ? null : shardInfo);
    }

    public Envelope(String listKind, String apiVersion, long resourceVersion, String continueToken, Long remainingItemCount) {
      this(listKind, apiVersion, resourceVersion, continueToken, remainingItemCount, false);
    }

    /**
     * A PartialObjectMetadataList: typed, and its items are a nil slice when there are none, which
     * Go writes as {@code "items":null} (verified on 1.36.3).
     */
    public static Envelope partialObjectMetadataList(String apiVersion, long resourceVersion, String continueToken,
        Long remainingItemCount) {
      return new Envelope("PartialObjectMetadataList", apiVersion, resourceVersion, continueToken, remainingItemCount, false, true);
    }
  }

  /**
   * How one item's compact JSON goes into a chunk: as read-only views of bytes that are stored or
   * memoized (no copy), or of bytes made for this item.
   */
  @FunctionalInterface
  public interface Item {
    void addTo(Slices.Chunk chunk, CachedObject o);
  }

  /** The object's stored bytes, as a fresh read-only slice of its storage. */
  public static final Item STORED = (chunk, o) -> chunk.addFresh(o.jsonBuffer());

  private static final ByteBuffer COMMA = Slices.of(new byte[] {','});

  private final Envelope envelope;
  private final Iterator<CachedObject> items;
  private final boolean pretty;
  private final Item item;
  private boolean headerWritten;
  private boolean done;
  private boolean first = true;

  public JsonListEncoder(Envelope envelope, Iterator<CachedObject> items, boolean pretty) {
    this(envelope, items, pretty, STORED);
  }

  /** A list whose items are {@code item(object)} (made per item) rather than the stored bytes. */
  public JsonListEncoder(Envelope envelope, Iterator<CachedObject> items, boolean pretty,
      java.util.function.Function<CachedObject, byte[]> item) {
    this(envelope, items, pretty, (chunk, o) -> chunk.add(item.apply(o)));
  }

  /** A list whose items {@code item} adds to each chunk (e.g. PartialObjectMetadata around stored metadata). */
  public JsonListEncoder(Envelope envelope, Iterator<CachedObject> items, boolean pretty, Item item) {
    this.envelope = envelope;
    this.items = items;
    this.pretty = pretty;
    this.item = item;
  }

  /**
   * The next chunk, or null when the body is complete. Compact: the envelope's bytes, then each
   * item's read-only views separated by shared {@code ,} views, until the chunk holds
   * {@link #CHUNK_BYTES} or the items end (no per-item copy). Pretty: each item re-indented into
   * one buffer per chunk, as before.
   */
  @Override
  public ByteBuffer[] nextSlices() {
    if (done) {
      return null;
    }
    if (pretty) {
      return new ByteBuffer[] {nextPretty()};
    }
    Slices.Chunk out = new Slices.Chunk();
    if (!headerWritten) {
      headerWritten = true;
      if (envelope.nullWhenEmpty() && !items.hasNext()) {
        done = true;
        String head = typedHeader();
        return out.add(ascii(head.substring(0, head.length() - 1) + "null}\n")).toArray();
      }
      out.add(header());
    }
    while (out.bytes() < CHUNK_BYTES && items.hasNext()) {
      if (!first) {
        out.add(COMMA);
      }
      item.addTo(out, items.next());
      first = false;
    }
    if (!items.hasNext()) {
      done = true;
      out.add(trailer());
    }
    return out.toArray();
  }

  private ByteBuffer nextPretty() {
    Slices.Sink out = new Slices.Sink(CHUNK_BYTES + 8 * 1024);
    if (!headerWritten) {
      headerWritten = true;
      if (envelope.nullWhenEmpty() && !items.hasNext()) {
        done = true;
        String head = typedHeader();
        return out.write(ascii(head.substring(0, head.length() - 1) + "null\n}")).toBuffer();
      }
      out.write(header());
    }
    while (out.size() < CHUNK_BYTES && items.hasNext()) {
      Slices.Chunk one = new Slices.Chunk();
      item.addTo(one, items.next());
      out.write(ascii(first ? "\n    " : ",\n    "));
      out.write(GoJson.indent(Slices.concat(one.toArray()), "    ", "  "));
      first = false;
    }
    if (!items.hasNext()) {
      done = true;
      out.write(trailer());
    }
    return out.toBuffer();
  }

  private byte[] header() {
    return (envelope.unstructured() ? unstructuredHeader() : typedHeader()).getBytes(StandardCharsets.UTF_8);
  }

  private String typedHeader() {
    StringBuilder meta = new StringBuilder();
    String sep = pretty ? ",\n    " : ",";
    String colon = pretty ? ": " : ":";
    meta.append('"').append("resourceVersion").append('"').append(colon).append('"')
        .append(Long.toUnsignedString(envelope.resourceVersion())).append('"');
    if (envelope.continueToken() != null && !envelope.continueToken().isEmpty()) {
      meta.append(sep).append("\"continue\"").append(colon);
      GoJson.appendString(meta, envelope.continueToken());
    }
    if (envelope.remainingItemCount() != null) {
      meta.append(sep).append("\"remainingItemCount\"").append(colon).append(envelope.remainingItemCount());
    }
    if (envelope.shardInfo() != null) {
      meta.append(sep).append("\"shardInfo\"").append(colon).append(pretty ? "{\n      \"selector\": " : "{\"selector\":");
      GoJson.appendString(meta, envelope.shardInfo());
      meta.append(pretty ? "\n    }" : "}");
    }
    StringBuilder sb = new StringBuilder(128);
    if (pretty) {
      sb.append("{\n  \"kind\": ");
      GoJson.appendString(sb, envelope.listKind());
      sb.append(",\n  \"apiVersion\": ");
      GoJson.appendString(sb, envelope.apiVersion());
      sb.append(",\n  \"metadata\": {\n    ").append(meta).append("\n  },\n  \"items\": [");
    } else {
      sb.append("{\"kind\":");
      GoJson.appendString(sb, envelope.listKind());
      sb.append(",\"apiVersion\":");
      GoJson.appendString(sb, envelope.apiVersion());
      sb.append(",\"metadata\":{").append(meta).append("},\"items\":[");
    }
    return sb.toString();
  }

  /** Unstructured lists: {@code {"apiVersion":…,"items":[} …; the rest follows the items. */
  private String unstructuredHeader() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(pretty ? "{\n  \"apiVersion\": " : "{\"apiVersion\":");
    GoJson.appendString(sb, envelope.apiVersion());
    sb.append(pretty ? ",\n  \"items\": [" : ",\"items\":[");
    return sb.toString();
  }

  private String unstructuredTail() {
    String colon = pretty ? ": " : ":";
    String sep = pretty ? ",\n    " : ",";
    StringBuilder sb = new StringBuilder(96);
    sb.append(pretty ? ",\n  \"kind\": " : ",\"kind\":");
    GoJson.appendString(sb, envelope.listKind());
    sb.append(pretty ? ",\n  \"metadata\": {\n    " : ",\"metadata\":{");
    sb.append("\"continue\"").append(colon);
    GoJson.appendString(sb, envelope.continueToken() == null ? "" : envelope.continueToken());
    if (envelope.remainingItemCount() != null) {
      sb.append(sep).append("\"remainingItemCount\"").append(colon).append(envelope.remainingItemCount());
    }
    sb.append(sep).append("\"resourceVersion\"").append(colon).append('"').append(Long.toUnsignedString(envelope.resourceVersion())).append('"');
    sb.append(pretty ? "\n  }\n}" : "}}\n");
    return sb.toString();
  }

  private byte[] trailer() {
    if (envelope.unstructured()) {
      return ((pretty ? (first ? "]" : "\n  ]") : "]") + unstructuredTail()).getBytes(StandardCharsets.UTF_8);
    }
    if (pretty) {
      return ascii(first ? "]\n}" : "\n  ]\n}");
    }
    return ascii("]}\n");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A whole JSON document as GET answers it: compact with a trailing newline, or indented without one. */
  public static byte[] document(byte[] json, boolean pretty) {
    if (pretty) {
      return GoJson.indent(json, "", "  ");
    }
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = NEWLINE[0];
    return out;
  }

  /**
   * One object as GET answers it: TypeMeta spliced in for built-ins; compact with a trailing
   * newline ({@code json.Encoder}), or indented without one ({@code json.MarshalIndent}).
   */
  public static byte[] object(CachedObject object, TypeMeta builtIn, boolean pretty) {
    byte[] json = object.copyJson();
    if (builtIn != null) {
      byte[] prefix = builtIn.prefix();
      byte[] full = new byte[prefix.length + json.length - 1];
      System.arraycopy(prefix, 0, full, 0, prefix.length);
      System.arraycopy(json, 1, full, prefix.length, json.length - 1);
      json = full;
    }
    return document(json, pretty);
  }
}
