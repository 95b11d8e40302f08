package dev.breakwater.cache.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrdSelectableFieldsTest {

  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.x.dev"},
       "spec":{"group":"x.dev","versions":[
         {"name":"v1","served":true,"storage":true,"selectableFields":[{"jsonPath":".spec.color"},{"jsonPath":".spec.size"}]},
         {"name":"v2","served":true,"storage":false},
         {"name":"v3","served":true,"storage":false,"selectableFields":[{"jsonPath":".spec.color"},{"jsonPath":".spec['a.b']"}]},
         {"name":"v4","served":true,"storage":false,"selectableFields":[{"jsonPath":7}]}]}}
      """;

  @ParameterizedTest(name = "[{index}] {0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      v1 | .spec.color .spec.size
      v2 | ''
      v3 | ''
      v4 | ''
      v9 | ''
      """)
  void selectableFieldsOfAVersion(String version, String expected) {
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(" "));
    assertThat(CrdSelectableFields.of(CRD.getBytes(StandardCharsets.UTF_8), version)).isEqualTo(want);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ""
      "null"
      "[]"
      "{\\"spec\\":{\\"versions\\":{\\"name\\":\\"v1\\"}}}"
      "{\\"spec\\":{\\"versions\\":[{\\"name\\":\\"v1\\",\\"selectableFields\\":\\"x\\"}]}}"
      "{not json"
      """)
  void badInputIsNoFields(String json) {
    assertThat(CrdSelectableFields.of(json.getBytes(StandardCharsets.UTF_8), "v1")).isEmpty();
  }
}
