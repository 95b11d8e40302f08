package dev.breakwater.proxy.table;

import dev.breakwater.cache.WatchCache;
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
import java.util.function.Supplier;

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

  /** A LIST page as a Table, chunk by chunk. */
  public Supplier<byte[]> list(WatchCache.ListResult lrs, String continueToken, boolean pretty) {
    java.time.Instant now = clock.instant();
    return new TableEncoder(convertor, apiVersion,
        TableEncoder.listMeta(lrs.resourceVersion(), continueToken, lrs.page().remainingItemCount()),
        lrs.page().items().iterator(), o -> rowCells.of(o, now), rowObject(), pretty)::nextChunk;
  }

  /** A GET as a one-row Table: the table's resourceVersion is the object's. */
  public byte[] get(CachedObject o, boolean pretty) {
    byte[] table = TableEncoder.single(convertor, apiVersion, o.resourceVersion(), true,
        TableEncoder.parseJson(o.copyJson()), rowObject().apply(o), clock.instant());
    return JsonListEncoder.document(table, pretty);
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
