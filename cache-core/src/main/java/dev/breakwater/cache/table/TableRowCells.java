package dev.breakwater.cache.table;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakwater.cache.object.CachedObject;
import java.time.Instant;

/**
 * Each cached object's Table row cells for one convertor ({@link TableEncoder#rowCells}), memoized
 * weakly by object identity for the wall-clock second they were computed in. Printing a row means
 * parsing the whole object; without the memo ten concurrent Table LISTs parse every object ten
 * times. Cells can depend on "now" (AGE, "5m ago"), whose finest unit is the second, so a row is
 * reused only within its second; the next second prints it afresh. A CRD change yields a new
 * convertor, hence a new memo.
 *
 * <p>Thread-safe.
 */
public final class TableRowCells {

  private record Row(long epochSecond, byte[] cells) {}

  private final TableConvertor convertor;
  private final Cache<CachedObject, Row> rows = Caffeine.newBuilder().weakKeys().build();

  public TableRowCells(TableConvertor convertor) {
    this.convertor = convertor;
  }

  public TableConvertor convertor() {
    return convertor;
  }

  /** {@code o}'s row up to its object, as printed at {@code now} (or earlier within the same second). */
  public byte[] of(CachedObject o, Instant now) {
    long second = now.getEpochSecond();
    Row r = rows.getIfPresent(o);
    if (r != null && r.epochSecond() == second) {
      return r.cells();
    }
    byte[] cells = TableEncoder.rowCells(convertor, TableEncoder.parseJson(o.copyJson()), now);
    rows.put(o, new Row(second, cells));
    return cells;
  }
}
