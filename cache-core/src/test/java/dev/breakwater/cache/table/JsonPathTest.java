package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * client-go's jsonpath as the CRD convertor uses it, against golden vectors made by the
 * apiserver's own convertor (src/test/go/jsonpathvectors; TableE2ETest compares them live).
 */
class JsonPathTest {

  static final ObjectMapper JSON = new ObjectMapper();
  record Vector(String path, String type, String object, boolean parseError, List<JsonNode> cells, boolean stateful) {}

  static final JsonNode OBJECTS;
  static final List<Vector> VECTORS = new ArrayList<>();

  static {
    try (var in = JsonPathTest.class.getResourceAsStream("/jsonpath/vectors.jsonl");
        var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      OBJECTS = JSON.readTree(r.readLine()).get("objects");
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode v = JSON.readTree(line);
        List<JsonNode> cells = new ArrayList<>();
        v.path("cells").forEach(cells::add);
        VECTORS.add(new Vector(v.get("path").textValue(), v.get("type").textValue(), v.get("object").textValue(),
            v.path("parseError").asBoolean(), cells, v.path("stateful").asBoolean()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode crd(String name, String type, String path) {
    var crd = JSON.createObjectNode();
    var col = crd.putObject("spec").putArray("versions").addObject().put("name", "v1").putArray("additionalPrinterColumns")
        .addObject();
    col.put("name", name).put("type", type).put("jsonPath", path);
    return crd;
  }

  /** The cell as the Go vectors write it: JSON, a date's duration as "<since>". */
  static JsonNode cellJson(Object cell) throws IOException {
    if (cell instanceof Since) {
      return JSON.readTree("\"<since>\"");
    }
    StringBuilder sb = new StringBuilder();
    GoValues.cell(sb, cell);
    return JSON.readTree(sb.toString());
  }

  /**
   * Every golden vector of src/test/go/jsonpathvectors (the apiserver's own tableconvertor over
   * the same object): a parse error drops the column, a stateful path (range) is refused (Tables
   * go upstream), and otherwise the cell is one of those Go gave (one when Go's is deterministic).
   */
  @Test
  void cellsMatchTheApiserversConvertor() throws Exception {
    assertThat(VECTORS).hasSizeGreaterThan(3000);
    List<String> failures = new ArrayList<>();
    int randomInGo = 0;
    for (Vector v : VECTORS) {
      String what = v.object() + " " + v.type() + " " + v.path();
      Optional<CustomResourceTableConvertor> c = CustomResourceTableConvertor.fromDefinition(crd("c", v.type(), v.path()), "v1");
      if (c.isEmpty()) {
        if (!v.path().contains("range")) {
          failures.add(what + ": refused");
        }
        continue;
      }
      if (v.stateful()) {
        failures.add(what + ": served, but Go's cells depend on the calls before");
        continue;
      }
      if (v.parseError()) {
        if (c.get().columns().size() != 1) {
          failures.add(what + ": Go cannot parse it, but the column was kept");
        }
        continue;
      }
      if (c.get().columns().size() != 2) {
        failures.add(what + ": column dropped");
        continue;
      }
      JsonNode cell = cellJson(c.get().cells(OBJECTS.get(v.object())).get(1));
      if (!v.cells().contains(cell)) {
        failures.add(what + ": " + cell + " not in " + v.cells());
      }
      if (v.cells().size() > 1) {
        randomInGo++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(randomInGo).as("vectors whose Go cell varies with map order").isGreaterThan(10);
  }

  @Test
  void aColumnGoCannotParseDropsItselfAndTheColumnsAfter() throws Exception {
    var crd = crd("a", "string", ".spec.a");
    var cols = (com.fasterxml.jackson.databind.node.ArrayNode) crd.at("/spec/versions/0/additionalPrinterColumns");
    cols.addObject().put("name", "b").put("type", "string").put("jsonPath", ".spec[b]");
    cols.addObject().put("name", "c").put("type", "string").put("jsonPath", ".spec.c");
    var c = CustomResourceTableConvertor.fromDefinition(crd, "v1").orElseThrow();
    assertThat(c.columns()).extracting(Column::name).containsExactly("Name", "a");
    assertThat(c.cells(JSON.readTree("{\"metadata\":{\"name\":\"n\"},\"spec\":{\"a\":\"x\",\"c\":\"y\"}}")))
        .containsExactly("n", "x");
  }

  @Test
  void rangeAndNonUtf8EscapesAreRefused() {
    for (String path : List.of(".a}{range .b[*]}{.c}{end", ".a range", ".a[?(@.b==range)]", ".a \"\\xff\"", ".a '\\377'")) {
      assertThat(CustomResourceTableConvertor.fromDefinition(crd("c", "string", path), "v1")).as(path).isEmpty();
    }
  }

  @Test
  void goParseErrors() {
    for (String path : List.of("..*", ".a....b", ".a[b]", ".a[1:2:3:4]", ".a\t.b", ".a[?(@.b=~\"c\")]", ".a \"\\q\"", ".a{",
        ".a 1.2.3", ".a 1" + "0".repeat(400) + ".5")) {
      assertThatThrownBy(() -> JsonPath.column(path)).as(path).isInstanceOf(JsonPath.ParseException.class);
    }
  }

  @Test
  void longPathsDoNotDeepenTheStack() throws Exception {
    String path = ".spec" + ".a".repeat(200_000);
    assertThat(JsonPath.column(path).firstResult(JSON.readTree("{\"spec\":{}}"))).isSameAs(JsonPath.NONE);
  }

  @Test
  void typedCellsFollowTheCrdConvertor() throws Exception {
    Instant now = Instant.parse("2026-11-22T08:00:00Z");
    assertThat(CustomResourceTableConvertor.cell("integer", JSON.readTree("2.7"), now)).isEqualTo(2L);
    assertThat(CustomResourceTableConvertor.cell("integer", JSON.readTree("\"5\""), now)).isNull();
    assertThat(CustomResourceTableConvertor.cell("number", JSON.readTree("7"), now)).isEqualTo(7.0);
    assertThat(CustomResourceTableConvertor.cell("boolean", JSON.readTree("\"yes\""), now)).isNull();
    assertThat(CustomResourceTableConvertor.cell("date", JSON.readTree("\"bad\""), now)).isEqualTo("<invalid>");
    assertThat(CustomResourceTableConvertor.cell("date", JSON.readTree("\"\""), now)).isEqualTo("<unknown>");
    assertThat(CustomResourceTableConvertor.cell("date", JSON.readTree("\"2026-11-22T09:00:00+02:00\""), now)).isEqualTo("60m");
    assertThat(CustomResourceTableConvertor.cell("date", JSON.readTree("3"), now)).isNull();
    assertThat(CustomResourceTableConvertor.cell("string", JSON.readTree("12"), now)).isEqualTo("12");
  }

  @Test
  void aCrdWithoutPrinterColumnsGetsNameAndAge() throws Exception {
    JsonNode crd = JSON.readTree("{\"spec\":{\"versions\":[{\"name\":\"v1\"}]}}");
    var c = CustomResourceTableConvertor.fromDefinition(crd, "v1").orElseThrow();
    assertThat(c.columns()).extracting(Column::name, Column::type).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Name", "string"), org.assertj.core.groups.Tuple.tuple("Age", "date"));
    assertThat(c.cells(JSON.readTree("{\"metadata\":{\"name\":\"g\",\"creationTimestamp\":\"2026-11-22T07:59:00Z\"}}"),
        Instant.parse("2026-11-22T08:00:00Z"))).containsExactly("g", "60s");
    assertThat(CustomResourceTableConvertor.fromDefinition(crd, "v2")).isEmpty();
  }
}
