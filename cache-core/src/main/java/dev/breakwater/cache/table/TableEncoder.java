package dev.breakwater.cache.table;

import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.codec.Slices;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
public final class TableEncoder implements BodyChunks {

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

  /** A row's {@code object}, written into the chunk (compact JSON; the {@code null} literal for None). */
  @FunctionalInterface
  public interface RowObject {
    void writeTo(Slices.Sink out, CachedObject o);

    /** The bytes {@code object} returns. */
    static RowObject of(Function<CachedObject, byte[]> object) {
      return (out, o) -> out.write(object.apply(o));
    }
  }

  /** One whole row, {@code {"cells":…,"object":…}} (compact). */
  private interface RowWriter {
    void writeTo(Slices.Sink out, CachedObject o);
  }

  private final TableConvertor convertor;
  private final String apiVersion;
  private final Iterator<CachedObject> items;
  private final RowWriter rows;
  private final boolean pretty;
  private final String listMeta;
  private boolean headerWritten;
  private boolean done;
  private boolean first = true;

  /**
   * @param apiVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
   * @param listMeta   the compact ListMeta members ({@link #listMeta})
   * @param rowCells   each object's row up to its {@code object} ({@link #rowCells})
   * @param rowObject  the row's {@code object} bytes (compact JSON; {@code null} literal for None)
   */
  public TableEncoder(TableConvertor convertor, String apiVersion, String listMeta, Iterator<CachedObject> items,
      Function<CachedObject, byte[]> rowCells, Function<CachedObject, byte[]> rowObject, boolean pretty) {
    this(convertor, apiVersion, listMeta, items, pretty, (out, o) -> {
      out.write(rowCells.apply(o));
      out.write(rowObject.apply(o));
      out.write('}');
    });
  }

  /**
   * Rows from memoized templates ({@link TableRowCells#template}), their time-relative cells
   * printed at {@code now}: per object only durations are formatted, nothing is parsed twice.
   */
  public TableEncoder(TableConvertor convertor, String apiVersion, String listMeta, Iterator<CachedObject> items,
      Function<CachedObject, RowTemplate> templates, Instant now, RowObject rowObject, boolean pretty) {
    this(convertor, apiVersion, listMeta, items, pretty, (out, o) -> {
      templates.apply(o).writeTo(out, now);
      rowObject.writeTo(out, o);
      out.write('}');
    });
  }

  private TableEncoder(TableConvertor convertor, String apiVersion, String listMeta, Iterator<CachedObject> items, boolean pretty,
      RowWriter rows) {
    this.convertor = convertor;
    this.apiVersion = apiVersion;
    this.listMeta = listMeta;
    this.items = items;
    this.rows = rows;
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

  /**
   * The next chunk (one buffer: rows are small, so each is written once into a chunk-sized array
   * rather than handed out as many tiny views), or null when the body is complete.
   */
  @Override
  public ByteBuffer[] nextSlices() {
    if (done) {
      return null;
    }
    Slices.Sink out = new Slices.Sink(JsonListEncoder.CHUNK_BYTES + 8 * 1024);
    if (!headerWritten) {
      headerWritten = true;
      out.write(head(convertor.columns(), apiVersion, listMeta, pretty));
    }
    while (out.size() < JsonListEncoder.CHUNK_BYTES && items.hasNext()) {
      CachedObject o = items.next();
      if (pretty) {
        Slices.Sink row = new Slices.Sink(1024);
        rows.writeTo(row, o);
        out.write(ascii(first ? "\n    " : ",\n    "));
        out.write(GoJson.indent(Slices.concat(row.toBuffer()), "    ", "  "));
      } else {
        if (!first) {
          out.write(',');
        }
        rows.writeTo(out, o);
      }
      first = false;
    }
    if (!items.hasNext()) {
      done = true;
      out.write(ascii(pretty ? (first ? "]\n}" : "\n  ]\n}") : "]}\n"));
    }
    return new ByteBuffer[] {out.toBuffer()};
  }

  /** A GET's one-row Table (with column definitions) from {@code o}'s template printed at {@code now}; compact, no newline. */
  public static byte[] single(TableConvertor convertor, String apiVersion, CachedObject o, RowTemplate template, Instant now,
      RowObject rowObject) {
    Slices.Sink out = new Slices.Sink(2048);
    out.write(head(convertor.columns(), apiVersion, listMeta(o.resourceVersion(), null, null), false));
    template.writeTo(out, now);
    rowObject.writeTo(out, o);
    out.write(ascii("}]}"));
    return Slices.concat(out.toBuffer());
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
    return RowTemplate.of(convertor, object).at(now);
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
