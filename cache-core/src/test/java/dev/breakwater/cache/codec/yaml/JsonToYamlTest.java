package dev.breakwater.cache.codec.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden vectors from {@code src/test/go/yamlvectors} (the very sigs.k8s.io/yaml v1.6.0 +
 * go.yaml.in/yaml/v2 v2.4.3 code the kube-apiserver 1.36.3 runs): tricky strings as values, keys,
 * list items and nested items, numbers as the apiserver writes them, raw JSON edge cases (escapes,
 * control characters, long keys, sort order, nesting), and 3 000 random documents. Each must
 * convert to the same bytes, or fail where Go fails.
 */
class JsonToYamlTest {

  record Vector(String name, String json, String yaml, String error) {}

  static List<Vector> vectors() throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<Vector> out = new ArrayList<>();
    try (var in = JsonToYamlTest.class.getResourceAsStream("/yaml/vectors.jsonl");
        var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null;) {
        JsonNode n = m.readTree(line);
        out.add(new Vector(n.get("name").asText(), n.get("json").asText(), n.has("yaml") ? n.get("yaml").asText() : null,
            n.has("error") ? n.get("error").asText() : null));
      }
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> goldenVectors() throws Exception {
    List<Vector> vs = vectors();
    assertTrue(vs.size() > 4000, "vectors: " + vs.size());
    return vs.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
      byte[] json = v.json().getBytes(StandardCharsets.UTF_8);
      if (v.error() != null) {
        assertThrows(YamlConversionException.class, () -> JsonToYaml.convert(json), v.json());
        assertEquals(false, JsonToYaml.convertible(json));
      } else {
        assertEquals(v.yaml(), new String(JsonToYaml.convert(json), StandardCharsets.UTF_8), v.json());
        assertTrue(JsonToYaml.convertible(json));
      }
    }));
  }

  @Test
  void notJsonIsRefused() {
    for (String bad : new String[] {"", "{", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1}x", "nul", "{'a':1}", "{\"a\":\"\\q\"}"}) {
      assertThrows(YamlConversionException.class, () -> JsonToYaml.convert(bad.getBytes(StandardCharsets.UTF_8)), bad);
    }
    assertThrows(YamlConversionException.class, () -> JsonToYaml.convert(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}));
  }

  @Test
  void anApiserverObject() {
    String json = "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\",\"namespace\":\"default\",\"uid\":\"u\","
        + "\"resourceVersion\":\"12\",\"creationTimestamp\":\"2024-01-02T03:04:05Z\",\"labels\":{\"app\":\"yes\"}},"
        + "\"data\":{\"script\":\"#!/bin/sh\\necho hi\\n\",\"n\":\"012\"}}\n";
    String want = """
        apiVersion: v1
        data:
          "n": "012"
          script: |
            #!/bin/sh
            echo hi
        kind: ConfigMap
        metadata:
          creationTimestamp: "2024-01-02T03:04:05Z"
          labels:
            app: "yes"
          name: c
          namespace: default
          resourceVersion: "12"
          uid: u
        """;
    assertEquals(want, new String(JsonToYaml.convert(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
  }
}
