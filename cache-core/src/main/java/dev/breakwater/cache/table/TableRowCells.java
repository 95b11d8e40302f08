package dev.breakwater.cache.table;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakwater.cache.object.CachedObject;
import java.time.Instant;

/**
 * Each cached object's Table row for one convertor, extracted once per object version
 * ({@link RowTemplate}: everything but the time-relative cells) and memoized weakly by object
 * identity — a new resourceVersion is a new {@link CachedObject}, so an entry lives exactly as long
 * as its object is cached (store, window or snapshot), like the PartialObjectMetadata memo, and
 * costs nothing for objects no Table was asked of. Printing a row means parsing the whole object;
 * with the memo a request parses only objects not printed before and formats only AGE-like cells.
 * A CRD change yields a new convertor, hence a new memo.
 *
 * <p>Bad input: an object the printer cannot read (never seen from a real apiserver) throws
 * (UncheckedIOException or IllegalArgumentException) and nothing is memoized; the caller resets or
 * goes upstream.
 *
 * <p>Thread-safe: two requests printing the same new object at once may both parse it; either
 * template is the same.
 */
public final class TableRowCells {

  private final TableConvertor convertor;
  private final Cache<CachedObject, RowTemplate> rows = Caffeine.newBuilder().weakKeys().build();

  public TableRowCells(TableConvertor convertor) {
    this.convertor = convertor;
  }

  public TableConvertor convertor() {
    return convertor;
  }

  /** {@code o}'s row template: extracted on first use, then shared. */
  public RowTemplate template(CachedObject o) {
    RowTemplate t = rows.getIfPresent(o);
    if (t == null) {
      t = RowTemplate.of(convertor, TableEncoder.parseJson(o.copyJson()));
      rows.put(o, t);
    }
    return t;
  }

  /** {@code o}'s row up to its object, as printed at {@code now}. */
  public byte[] of(CachedObject o, Instant now) {
    return template(o).at(now);
  }
}
