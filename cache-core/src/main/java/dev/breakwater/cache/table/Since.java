package dev.breakwater.cache.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A time-relative Table cell, kept apart from the cells that depend on the object alone so that a
 * row can be extracted once per object version and only this cell printed per request:
 * {@code prefix + HumanDuration.since(t, now) + suffix} — AGE ({@code "5d"}), a Job's running
 * DURATION, an Event's LAST SEEN, a Pod's RESTARTS ({@code "3 (5m ago)"}), a CRD's {@code date}
 * column. A null {@code t} (the field absent: Go's zero time) prints {@code <unknown>}, as
 * {@code translateTimestampSince} does. Immutable.
 */
public record Since(Instant t, String prefix, String suffix) {

  public Since {
    prefix = prefix == null ? "" : prefix;
    suffix = suffix == null ? "" : suffix;
  }

  /** The time since {@code t}, nothing around it. */
  public static Since of(Instant t) {
    return new Since(t, "", "");
  }

  /** The cell's text at {@code now}. */
  public String at(Instant now) {
    String d = HumanDuration.since(t, now);
    return prefix.isEmpty() && suffix.isEmpty() ? d : prefix + d + suffix;
  }

  /** {@code cells} with every {@link Since} printed at {@code now} (the printer's output at {@code now}). */
  public static List<Object> resolve(List<Object> cells, Instant now) {
    List<Object> out = new ArrayList<>(cells.size());
    for (Object c : cells) {
      out.add(c instanceof Since s ? s.at(now) : c);
    }
    return out;
  }
}
