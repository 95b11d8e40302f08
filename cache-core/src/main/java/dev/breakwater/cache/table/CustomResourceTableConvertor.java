package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A custom resource's Table convertor (apiextensions-apiserver {@code tableconvertor.New}): a
 * Name column, then one column per {@code additionalPrinterColumns} entry of the served version
 * (or, when there are none, {@code Age}: a date column on {@code .metadata.creationTimestamp}).
 * Cells as {@code ConvertToTable} computes them: string columns print the first JSONPath result
 * ({@code json.Marshal} for maps and arrays, {@code fmt} for scalars, {@code <no value>} for
 * null); integer/number/boolean columns keep a value of the right JSON type (a float in an
 * integer column is truncated) and are null otherwise; date columns are the time since an
 * RFC 3339 string ({@code <invalid>} if it does not parse, {@code <unknown>} if empty). The
 * value is FindResults' first value of the first action ({@link JsonPath#firstResult}); an
 * evaluation error anywhere in the template makes the cell null. A column whose path Go cannot
 * parse drops itself and the columns after it (the apiserver logs the error and serves the
 * convertor built so far). Immutable.
 */
public final class CustomResourceTableConvertor implements TableConvertor {

  static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is required when creating resources, although "
      + "some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily "
      + "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
      + "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  static final String CREATION_TIMESTAMP_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when this "
      + "object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may "
      + "not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
      + "lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  private static final JsonPath CREATION_TIMESTAMP;

  static {
    try {
      CREATION_TIMESTAMP = JsonPath.column(".metadata.creationTimestamp");
    } catch (JsonPath.ParseException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final List<Column> columns;
  private final List<JsonPath> paths;

  private CustomResourceTableConvertor(List<Column> columns, List<JsonPath> paths) {
    this.columns = columns;
    this.paths = paths;
  }

  /**
   * The convertor for {@code version} of a CustomResourceDefinition (its JSON); empty when the
   * version is not in the CRD or a column's path is one Breakwater does not evaluate
   * ({@link JsonPath.UnsupportedException}: {@code range}).
   */
  public static Optional<CustomResourceTableConvertor> fromDefinition(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (!version.equals(v.path("name").asText())) {
        continue;
      }
      JsonNode printerColumns = v.path("additionalPrinterColumns");
      List<Column> columns = new ArrayList<>();
      List<JsonPath> paths = new ArrayList<>();
      columns.add(new Column("Name", "string", "name", NAME_DESCRIPTION, 0));
      if (printerColumns.isEmpty()) {
        columns.add(new Column("Age", "date", "", CREATION_TIMESTAMP_DESCRIPTION, 0));
        paths.add(CREATION_TIMESTAMP);
      }
      for (JsonNode c : printerColumns) {
        String path = c.path("jsonPath").asText();
        try {
          paths.add(JsonPath.column(path));
        } catch (JsonPath.ParseException e) {
          break; // tableconvertor.New stops at a column Go cannot parse; the apiserver serves those before it
        } catch (JsonPath.UnsupportedException e) {
          return Optional.empty();
        }
        String description = c.path("description").asText("");
        columns.add(new Column(c.path("name").asText(), c.path("type").asText(), c.path("format").asText(""),
            description.isEmpty() ? "Custom resource definition column (in JSONPath format): " + path : description,
            c.path("priority").asInt(0)));
      }
      return Optional.of(new CustomResourceTableConvertor(List.copyOf(columns), List.copyOf(paths)));
    }
    return Optional.empty();
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public List<Object> cells(JsonNode object) {
    List<Object> cells = new ArrayList<>(columns.size());
    cells.add(object.path("metadata").path("name").asText(""));
    for (int i = 0; i < paths.size(); i++) {
      Object value = paths.get(i).firstResult(object);
      cells.add(value == JsonPath.NONE ? null : cell(columns.get(i + 1).type(), value));
    }
    return cells;
  }

  /** A column's cell printed at {@code now}. */
  static Object cell(String type, Object value, Instant now) {
    Object c = cell(type, value);
    return c instanceof Since s ? s.at(now) : c;
  }

  /** A column's cell; a {@code date} is a {@link Since}, printed per request. */
  static Object cell(String type, Object result) {
    if (type.equals("string")) {
      return print(result);
    }
    if (!(result instanceof JsonNode value) || value.isNull()) {
      return null; // a GoInt (Go int) or GoByte (uint8) is none of cellForJSONValue's int64, float64, bool, string
    }
    switch (type) {
      case "integer" -> {
        if (value.isNumber()) {
          Object n = GoValues.number(value);
          return n instanceof Long l ? l : (Object) goInt64((Double) n);
        }
      }
      case "number" -> {
        if (value.isNumber()) {
          Object n = GoValues.number(value);
          return n instanceof Long l ? (Object) (double) l : n;
        }
      }
      case "boolean" -> {
        if (value.isBoolean()) {
          return value.booleanValue();
        }
      }
      case "date" -> {
        if (value.isTextual()) {
          String s = value.textValue();
          if (s.isEmpty() || s.equals("null")) {
            return "<unknown>";
          }
          Instant t = parseRfc3339(s);
          return t == null ? "<invalid>" : Since.of(t);
        }
      }
      default -> { }
    }
    return null;
  }

  /** jsonpath PrintResults of one value. */
  static String print(Object result) {
    if (result instanceof JsonPath.GoInt i) {
      return Long.toString(i.value());
    }
    if (result instanceof JsonPath.GoByte b) {
      return Integer.toString(b.value());
    }
    JsonNode v = (JsonNode) result;
    if (v.isNull()) {
      return "<no value>";
    }
    if (v.isObject() || v.isArray()) {
      StringBuilder sb = new StringBuilder();
      GoValues.marshal(sb, v);
      return sb.toString();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return String.valueOf(v.booleanValue());
    }
    Object n = GoValues.number(v);
    return n instanceof Long l ? l.toString() : GoValues.fmtFloat((Double) n);
  }

  /** Go's int64(float64) conversion on amd64 (out of range: the minimum int64). */
  private static long goInt64(double d) {
    if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
      return Long.MIN_VALUE;
    }
    return (long) d;
  }

  /** {@code time.Parse(time.RFC3339, s)}: a date-time with seconds and a zone (Z or ±hh:mm). */
  static Instant parseRfc3339(String s) {
    try {
      if (!s.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})")) {
        return null;
      }
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
