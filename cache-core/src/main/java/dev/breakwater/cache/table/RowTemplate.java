package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.codec.Slices;
import dev.breakwater.cache.golang.GoJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One object's Table row up to its {@code object}, extracted once per object version: the compact
 * bytes of {@code {"cells":[…],"conditions":…,"object":} with each time-relative cell
 * ({@link Since}) left as a hole that {@link #writeTo} prints at the request's "now". Everything a
 * printer reads from the object (names, counts, statuses, the timestamps themselves) is in the
 * template; a request only formats durations.
 *
 * <p>Immutable and thread-safe: shared by every request that prints the object.
 */
public final class RowTemplate {

  /** {@code parts.length == holes.length + 1}: part, hole, part, …, part. */
  private final byte[][] parts;
  private final Since[] holes;

  private RowTemplate(byte[][] parts, Since[] holes) {
    this.parts = parts;
    this.holes = holes;
  }

  /**
   * The template of {@code object}'s row for {@code convertor} (one parse's worth of work).
   * Bad input: a cell value of a type the printers never produce throws IllegalArgumentException.
   */
  public static RowTemplate of(TableConvertor convertor, JsonNode object) {
    List<Object> cells = convertor.cells(object);
    List<byte[]> parts = new ArrayList<>(2);
    List<Since> holes = new ArrayList<>(1);
    StringBuilder sb = new StringBuilder(64 + 16 * cells.size());
    sb.append("{\"cells\":[");
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object c = cells.get(i);
      if (c instanceof Since s) {
        parts.add(utf8(sb));
        sb.setLength(0);
        holes.add(s);
      } else {
        GoValues.cell(sb, c);
      }
    }
    sb.append(']');
    String conditions = convertor.conditions(object);
    if (conditions != null) {
      sb.append(",\"conditions\":").append(conditions);
    }
    sb.append(",\"object\":");
    parts.add(utf8(sb));
    return new RowTemplate(parts.toArray(byte[][]::new), holes.toArray(Since[]::new));
  }

  /** The number of time-relative cells (printed per request). */
  public int timeCells() {
    return holes.length;
  }

  /** The row up to its object as printed at {@code now}, appended to {@code out}. */
  public void writeTo(Slices.Sink out, Instant now) {
    out.write(parts[0]);
    for (int i = 0; i < holes.length; i++) {
      StringBuilder cell = new StringBuilder(16);
      GoJson.appendString(cell, holes[i].at(now));
      out.write(utf8(cell));
      out.write(parts[i + 1]);
    }
  }

  /** The row up to its object as printed at {@code now}, in a new array. */
  public byte[] at(Instant now) {
    if (holes.length == 0) {
      return parts[0].clone();
    }
    Slices.Sink out = new Slices.Sink(parts[0].length + 32 * holes.length + parts[holes.length].length);
    writeTo(out, now);
    return Slices.concat(out.toBuffer());
  }

  private static byte[] utf8(CharSequence s) {
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }
}
