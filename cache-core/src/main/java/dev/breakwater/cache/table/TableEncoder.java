package dev.breakwater.cache.table;

import dev.breakwater.cache.codec.JsonListEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * {@code meta.k8s.io} Table documents as the apiserver writes them in JSON
 * ({@code as=Table;g=meta.k8s.io;v=v1|v1beta1}):
 * {@code {"kind":"Table","apiVersion":…,"metadata":{ListMeta},"columnDefinitions":[…]|null,"rows":[{"cells":[…],"object":…}]}}
 * — every field written, {@code columnDefinitions} {@code null} when headers are off (watch events
 * after the first), a row's {@code conditions} only when set (verified on 1.36.3). A list is
 * streamed row by row in chunks like {@link JsonListEncoder} (with {@code pretty}, the same
 * document as Go's {@code json.MarshalIndent}, produced per row): one row's object is parsed at a
 * time, never the whole list.
 *
 * <p>Single-threaded: one encoder per response.
 */
public final class TableEncoder {

  /** {@code TableOptions.includeObject}: what each row's {@code object} holds. */
  public enum IncludeObject {
    /** {@code null}. */
    NONE,
    /** PartialObjectMetadata (the default). */
    METADATA,
    /** The object as GET would answer it. */
    OBJECT;

    /** The query parameter's value; null for a value the apiserver rejects (400). */
    public static IncludeObject parse(String v) {
      return switch (v == null ? "" : v) {
        case "", "Metadata" -> METADATA;
        case "None" -> NONE;
        case "Object" -> OBJECT;
        default -> null;
      };
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TableConvertor convertor;
  private final String apiVersion;
  private final Iterator<CachedObject> items;
  private final Function<CachedObject, byte[]> rowCells;
  private final Function<CachedObject, byte[]> rowObject;
  private final boolean pretty;
  private final String listMeta;
  private boolean headerWritten;
  private boolean done;
  private boolean first = true;

  /**
   * @param apiVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
   * @param listMeta   the compact ListMeta members ({@link #listMeta})
   * @param rowCells   each object's row up to its {@code object} ({@link #rowCells}; a {@link TableRowCells} memo)
   * @param rowObject  the row's {@code object} bytes (compact JSON; {@code null} literal for None)
   */
  public TableEncoder(TableConvertor convertor, String apiVersion, String listMeta, Iterator<CachedObject> items,
      Function<CachedObject, byte[]> rowCells, Function<CachedObject, byte[]> rowObject, boolean pretty) {
    this.convertor = convertor;
    this.apiVersion = apiVersion;
    this.listMeta = listMeta;
    this.items = items;
    this.rowCells = rowCells;
    this.rowObject = rowObject;
    this.pretty = pretty;
  }

  /** ListMeta as Go writes it: resourceVersion, continue and remainingItemCount when set. */
  public static String listMeta(long resourceVersion, String continueToken, Long remainingItemCount) {
    StringBuilder sb = new StringBuilder("\"resourceVersion\":\"").append(Long.toUnsignedString(resourceVersion)).append('"');
    if (continueToken != null && !continueToken.isEmpty()) {
      sb.append(",\"continue\":");
      GoJson.appendString(sb, continueToken);
    }
    if (remainingItemCount != null) {
      sb.append(",\"remainingItemCount\":").append(remainingItemCount);
    }
    return sb.toString();
  }

  /** The next chunk of the body, or null when the body is complete. */
  public byte[] nextChunk() {
    if (done) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
    if (!headerWritten) {
      headerWritten = true;
      out.writeBytes(head(convertor.columns(), apiVersion, listMeta, pretty));
    }
    while (out.size() < JsonListEncoder.CHUNK_BYTES && items.hasNext()) {
      CachedObject o = items.next();
      byte[] row = row(rowCells.apply(o), rowObject.apply(o));
      if (pretty) {
        out.writeBytes(ascii(first ? "\n    " : ",\n    "));
        out.writeBytes(GoJson.indent(row, "    ", "  "));
      } else {
        if (!first) {
          out.write(',');
        }
        out.writeBytes(row);
      }
      first = false;
    }
    if (!items.hasNext()) {
      done = true;
      out.writeBytes(ascii(pretty ? (first ? "]\n}" : "\n  ]\n}") : "]}\n"));
    }
    return out.toByteArray();
  }

  /** A whole one-row Table (GET, a watch event's object), compact, no newline. */
  public static byte[] single(TableConvertor convertor, String apiVersion, long resourceVersion, boolean headers, JsonNode object,
      byte[] rowObject, Instant now) {
    byte[] head = head(headers ? convertor.columns() : null, apiVersion, listMeta(resourceVersion, null, null), false);
    byte[] row = row(rowCells(convertor, object, now), rowObject);
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + row.length + 3);
    out.writeBytes(head);
    out.writeBytes(row);
    out.writeBytes(ascii("]}"));
    return out.toByteArray();
  }

  /** Everything up to and including {@code "rows":[}; {@code columns} null writes {@code null}. */
  static byte[] head(List<Column> columns, String apiVersion, String listMeta, boolean pretty) {
    StringBuilder sb = new StringBuilder(columns == null ? 128 : 512 * columns.size());
    sb.append("{\"kind\":\"Table\",\"apiVersion\":");
    GoJson.appendString(sb, apiVersion);
    sb.append(",\"metadata\":{").append(listMeta).append("},\"columnDefinitions\":")
        .append(columns == null ? "null" : Column.json(columns)).append(",\"rows\":[");
    if (!pretty) {
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
    // Indent the envelope with empty rows, then cut before the rows' "[]".
    byte[] indented = GoJson.indent(sb.append("]}").toString().getBytes(StandardCharsets.UTF_8), "", "  ");
    int cut = indented.length - "]\n}".length();
    return java.util.Arrays.copyOf(indented, cut);
  }

  /**
   * A row up to its object: {@code {"cells":[…],"conditions":…,"object":} (compact) — what the
   * printer computes from the object at {@code now}.
   */
  public static byte[] rowCells(TableConvertor convertor, JsonNode object, Instant now) {
    List<Object> cells = convertor.cells(object, now);
    StringBuilder sb = new StringBuilder(64 + 16 * cells.size());
    sb.append("{\"cells\":[");
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      GoValues.cell(sb, cells.get(i));
    }
    sb.append(']');
    String conditions = convertor.conditions(object);
    if (conditions != null) {
      sb.append(",\"conditions\":").append(conditions);
    }
    sb.append(",\"object\":");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code {"cells":[…],"conditions":…,"object":…}} (compact). */
  static byte[] row(byte[] rowCells, byte[] rowObject) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rowCells.length + rowObject.length + 1);
    out.writeBytes(rowCells);
    out.writeBytes(rowObject);
    out.write('}');
    return out.toByteArray();
  }

  /** Parses an object's JSON for a printer. */
  public static JsonNode parseJson(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code null} row object of {@code includeObject=None}. */
  public static final byte[] NULL = ascii("null");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
