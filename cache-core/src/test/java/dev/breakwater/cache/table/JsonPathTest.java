package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSONPath subset and the CRD convertor's cells, with the apiserver's answers for the same
 * columns and objects (captured from 1.36.3; TableE2ETest compares them live).
 */
class JsonPathTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String OBJECT = """
      {"metadata":{"name":"w1","labels":{"app.kubernetes.io/name":"wid"}},
       "spec":{"size":3,"ratio":1.5,"on":true,"str":"hello","obj":{"b":1,"a":"<x>"},"list":["x","y",3],"nul":null,"s":"abc"},
       "status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"},{"type":"Ready","status":"Again"}]}}
      """;

  static String eval(String path) throws Exception {
    List<JsonNode> r = JsonPath.parse(path).evaluate(JSON.readTree(OBJECT));
    return r.isEmpty() ? "<empty>" : CustomResourceTableConvertor.print(r.get(0));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      .spec.size                                      | 3
      .spec.ratio                                     | 1.5
      .spec.on                                        | true
      .spec.obj                                       | {"a":"\\u003cx\\u003e","b":1}
      .spec.list                                      | ["x","y",3]
      .spec.list[0]                                   | x
      .spec.list[-1]                                  | 3
      .spec.list[1:]                                  | y
      .spec.list[*]                                   | x
      .spec.nul                                       | <no value>
      .spec.missing                                   | <empty>
      .spec.s.deeper                                  | <empty>
      `.status.conditions[?(@.type=="Ready")].status` | True
      `.status.conditions[?(@.type!="Ready")].status` | False
      `.status.conditions[?(@.status)].type`          | Other
      `.metadata.labels.app\\.kubernetes\\.io/name`   | wid
      `.metadata.labels['app.kubernetes.io/name']`    | wid
      .spec.list[5]                                   | <error>
      .spec.s[0]                                      | <error>
      `.spec[?(@.x=="y")]`                            | <error>
      `.status.conditions[?(@.type==3)].status`       | <error>
      """)
  void evaluatesAsClientGo(String path, String expected) throws Exception {
    String actual;
    try {
      actual = eval(path);
    } catch (JsonPath.EvalException e) {
      actual = "<error>";
    }
    assertThat(actual).as(path).isEqualTo(expected);
  }

  @Test
  void syntaxOutsideTheSubsetIsRejected() {
    for (String path : List.of("..spec", ".spec..x", "spec", ".spec.x[?(@.a =~ /b/)]", "{.spec}", ".spec[1,2]")) {
      assertThatThrownBy(() -> JsonPath.parse(path)).as(path).isInstanceOf(IllegalArgumentException.class);
    }
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
