package dev.breakwater.proxy.table;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.BodyChunks;
import dev.breakwater.cache.codec.JsonListEncoder;
import dev.breakwater.cache.codec.JsonWatchEncoder;
import dev.breakwater.cache.codec.PartialObjectMetadataCodec;
import dev.breakwater.cache.codec.PartialObjectMetadataWatchEncoder;
import dev.breakwater.cache.table.TableEncoder;
import dev.breakwater.cache.table.TableWatchEncoder;
import dev.breakwater.cache.codec.WatchEventEncoder;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.table.TableConvertor;
import dev.breakwater.cache.cacher.ResourceCodecs;
import java.time.Clock;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Table response bodies for the caching read handler: a LIST page (streamed), a GET (one row)
 * and the watch event encoder, for one resource cache, {@code meta.k8s.io} version and
 * {@code includeObject}. Rows' {@code object}: {@code null} (None), PartialObjectMetadata
 * (Metadata, the default) or the object as GET answers it, TypeMeta spliced into built-ins
 * (Object).
 */
public final class TableBodies {

  private final TableConvertor convertor;
  private final dev.breakwater.cache.table.TableRowCells rowCells;
  private final ResourceCodecs rc;
  private final String apiVersion;
  private final TableEncoder.IncludeObject include;
  private final Clock clock;

  /** @param apiVersion {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1} */
  public TableBodies(dev.breakwater.cache.table.TableRowCells rowCells, ResourceCodecs rc, String apiVersion,
      TableEncoder.IncludeObject include, Clock clock) {
    this.rowCells = rowCells;
    this.convertor = rowCells.convertor();
    this.rc = rc;
    this.apiVersion = apiVersion;
    this.include = include;
    this.clock = clock;
  }

  /**
   * A LIST page as a Table, chunk by chunk: each row from its object's memoized template
   * ({@link dev.breakwater.cache.table.TableRowCells#template}, parsed once per object version),
   * only its time-relative cells printed at this request's "now".
   */
  public BodyChunks list(WatchCache.ListResult lrs, String continueToken, boolean pretty) {
    java.time.Instant now = clock.instant();
    return new TableEncoder(convertor, apiVersion,
        TableEncoder.listMeta(lrs.resourceVersion(), continueToken, lrs.page().remainingItemCount()),
        lrs.page().items().iterator(), rowCells::template, now, rowObjectWriter(), pretty);
  }

  /** A GET as a one-row Table: the table's resourceVersion is the object's; the row from the memo, as a LIST's. */
  public byte[] get(CachedObject o, boolean pretty) {
    return JsonListEncoder.document(TableEncoder.single(convertor, apiVersion, o, rowCells.template(o), clock.instant(),
        rowObjectWriter()), pretty);
  }

  /**
   * The row's object: for {@code Metadata} with a convertor that does not edit it, PartialObjectMetadata
   * around the stored (built-ins) or memoized (custom resources) metadata bytes, copied once into the chunk.
   */
  private TableEncoder.RowObject rowObjectWriter() {
    if (include == TableEncoder.IncludeObject.METADATA && !convertor.editsPartialObjectMetadata()) {
      byte[] head = ("{\"kind\":\"" + PartialObjectMetadataCodec.KIND + "\",\"apiVersion\":\"" + apiVersion + "\",\"metadata\":")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      var pom = rc.partialObjectMetadata();
      return (out, o) -> out.write(head).write(pom.metadataSlice(o)).write('}');
    }
    return TableEncoder.RowObject.of(rowObject());
  }

  /** A new encoder for one watch (it tracks the first event, which alone carries the columns). */
  public WatchEventEncoder watchEncoder() {
    boolean unstructured = !rc.builtIn();
    return new TableWatchEncoder(convertor, apiVersion, include, new JsonWatchEncoder(rc.typeMeta(), unstructured),
        new PartialObjectMetadataWatchEncoder(rc.partialObjectMetadata(), apiVersion, false, unstructured), clock);
  }

  private Function<CachedObject, byte[]> rowObject() {
    return switch (include) {
      case NONE -> o -> TableEncoder.NULL;
      case METADATA -> o -> convertor.partialObjectMetadata(
          PartialObjectMetadataCodec.json(apiVersion, rc.partialObjectMetadata().metadataJson(o)));
      case OBJECT -> o -> {
        byte[] json = JsonListEncoder.object(o, bare(o) ? rc.typeMeta() : null, false);
        return Arrays.copyOf(json, json.length - 1); // without the document's newline
      };
    };
  }

  /** A built-in object as stored (LIST item form) starts with its metadata, not its TypeMeta. */
  private static boolean bare(CachedObject o) {
    byte[] head = new byte[12];
    o.jsonBuffer().get(head, 0, Math.min(head.length, o.jsonLength()));
    return new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("{\"metadata\"");
  }
}
