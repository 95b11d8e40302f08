package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The apiserver's {@code rest.TableConvertor} for one resource: its column definitions (all of
 * them: the apiserver always prints wide, {@code -o wide} is kubectl's choice of columns) and one
 * row's cells for an object. Implementations are pure and thread-safe.
 */
public interface TableConvertor {

  List<Column> columns();

  /**
   * The cells of {@code object}'s row (as the apiserver has decoded it: missing fields are Go's
   * zero values), with every cell that depends on the time of the request left as a {@link Since}:
   * what a row depends on besides "now", extracted once per object version. Values: String, Long,
   * Double, Boolean, {@link Since} or null.
   */
  List<Object> cells(JsonNode object);

  /** The cells as the apiserver prints them at {@code now}: {@link #cells(JsonNode)} with each {@link Since} printed. */
  default List<Object> cells(JsonNode object, Instant now) {
    return Since.resolve(cells(object), now);
  }

  /**
   * A row's PartialObjectMetadata ({@code includeObject=Metadata}) as the apiserver builds it:
   * from the object converted to its internal type, which for a few kinds drops legacy
   * annotations (e.g. DaemonSet's {@code deprecated.daemonset.template.generation}). Identity by default.
   */
  default byte[] partialObjectMetadata(byte[] json) {
    return json;
  }

  /** Whether {@link #partialObjectMetadata} may change its input (false: a row's metadata is the stored bytes as they are). */
  default boolean editsPartialObjectMetadata() {
    return false;
  }

  /**
   * A bookmark's row object for {@code includeObject=Object}: the apiserver converts the bookmark
   * (an empty object of the kind carrying only a resourceVersion and maybe annotations) to the
   * internal type and back, so built-ins gain their Go zero-value fields. {@code json} is the
   * bookmark as a plain JSON watch writes it; identity by default (custom resources).
   */
  default byte[] bookmarkObject(byte[] json) {
    return json;
  }

  /**
   * Whether every watch event's Table carries the column definitions: a convertor that ignores
   * {@code TableOptions.NoHeaders}, as kube-aggregator's APIService one does (false: only the first).
   */
  default boolean columnsInEveryEvent() {
    return false;
  }

  /** The row's {@code conditions} ({@code [{"type":…,"status":…}]}, compact JSON), or null (omitted). */
  default String conditions(JsonNode object) {
    return null;
  }
}
