package dev.breakwater.cache.table;

import dev.breakwater.cache.codec.WatchEventEncoder;
import dev.breakwater.cache.codec.JsonWatchEncoder;
import dev.breakwater.cache.codec.PartialObjectMetadataWatchEncoder;
import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.WatchSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watch events whose objects are one-row Tables, as the apiserver's {@code watchEmbeddedEncoder}
 * writes them: every event — bookmarks included, whose row is printed from the empty bookmark
 * object (name "", AGE {@code <unknown>}) — becomes
 * {@code {"type":…,"object":{"kind":"Table",…,"metadata":{"resourceVersion":<event RV>},"columnDefinitions":…,"rows":[row]}}};
 * only the first event of the stream carries the column definitions, later ones
 * {@code "columnDefinitions":null} (the encoder turns {@code NoHeaders} on after its first object),
 * unless the convertor ignores {@code NoHeaders} ({@link TableConvertor#columnsInEveryEvent}).
 * The row's object follows {@code includeObject}, except that a bookmark ending the initial
 * events is always PartialObjectMetadata unless {@code Object} was asked for ({@code asTable}'s
 * case order); with {@code Object} a bookmark is shown as the apiserver's conversion round trip
 * leaves it ({@link TableConvertor#bookmarkObject}). Verified on 1.36.3.
 *
 * <p>Stateful (the first event): one encoder per watch. Events come from one thread at a time
 * ({@link WatchSink}'s contract); the flag is atomic for visibility across those threads.
 */
public final class TableWatchEncoder implements WatchEventEncoder {

  private final TableConvertor convertor;
  private final String apiVersion;
  private final TableEncoder.IncludeObject include;
  private final JsonWatchEncoder objects;
  private final PartialObjectMetadataWatchEncoder metadata;
  private final Clock clock;
  private final AtomicBoolean headersSent = new AtomicBoolean();

  /**
   * @param objects  the resource's JSON watch encoder: its event objects are what rows are printed from
   * @param metadata a JSON PartialObjectMetadata watch encoder at {@code apiVersion}, for row objects
   */
  public TableWatchEncoder(TableConvertor convertor, String apiVersion, TableEncoder.IncludeObject include,
      JsonWatchEncoder objects, PartialObjectMetadataWatchEncoder metadata, Clock clock) {
    this.convertor = convertor;
    this.apiVersion = apiVersion;
    this.include = include;
    this.objects = objects;
    this.metadata = metadata;
    this.clock = clock;
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public byte[] encode(WatchSink.Event e) {
    byte[] object = embedded(objects.encode(e), e);
    byte[] rowObject;
    if (include == TableEncoder.IncludeObject.OBJECT) {
      rowObject = e.type() == EventType.BOOKMARK ? convertor.bookmarkObject(object) : object;
    } else if (include == TableEncoder.IncludeObject.METADATA || e.initialEventsEnd()) {
      rowObject = convertor.partialObjectMetadata(embedded(metadata.encode(e), e));
    } else {
      rowObject = TableEncoder.NULL;
    }
    boolean headers = headersSent.compareAndSet(false, true) || convertor.columnsInEveryEvent();
    byte[] table = TableEncoder.single(convertor, apiVersion, e.resourceVersion(), headers, TableEncoder.parseJson(object), rowObject,
        clock.instant());
    ByteArrayOutputStream out = new ByteArrayOutputStream(table.length + 40);
    out.writeBytes(prefix(e));
    out.writeBytes(table);
    out.writeBytes(new byte[] {'}', '\n'});
    return out.toByteArray();
  }

  private static byte[] prefix(WatchSink.Event e) {
    return ("{\"type\":\"" + e.type().name() + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
  }

  /** The object of a JSON watch line {@code {"type":…,"object":X}\n}: X. */
  private static byte[] embedded(byte[] line, WatchSink.Event e) {
    int start = prefix(e).length;
    return Arrays.copyOfRange(line, start, line.length - 2);
  }
}
