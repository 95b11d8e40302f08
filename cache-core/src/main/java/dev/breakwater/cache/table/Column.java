package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.golang.GoJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code meta.k8s.io} TableColumnDefinition. Go writes every field, empty or not:
 * {@code {"name":…,"type":…,"format":…,"description":…,"priority":0}} (verified on 1.36.3).
 */
public record Column(String name, String type, String format, String description, int priority) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public void writeJson(StringBuilder out) {
    out.append("{\"name\":");
    GoJson.appendString(out, name);
    out.append(",\"type\":");
    GoJson.appendString(out, type);
    out.append(",\"format\":");
    GoJson.appendString(out, format);
    out.append(",\"description\":");
    GoJson.appendString(out, description);
    out.append(",\"priority\":").append(priority).append('}');
  }

  /** The columns as one compact JSON array. */
  public static String json(List<Column> columns) {
    StringBuilder sb = new StringBuilder(256 * columns.size() + 2);
    sb.append('[');
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      columns.get(i).writeJson(sb);
    }
    return sb.append(']').toString();
  }

  /**
   * Column definitions captured from kube-apiserver 1.36.3 (a class-path JSON array, as its
   * Table answers write them: descriptions are the API types' swagger docs, so they are taken
   * from the apiserver rather than retyped).
   */
  static List<Column> resource(String name) {
    try (InputStream in = Column.class.getResourceAsStream("columns/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("no column definitions for " + name);
      }
      List<Column> out = new ArrayList<>();
      for (JsonNode c : JSON.readTree(in)) {
        out.add(new Column(c.path("name").asText(), c.path("type").asText(), c.path("format").asText(),
            c.path("description").asText(), c.path("priority").asInt()));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
