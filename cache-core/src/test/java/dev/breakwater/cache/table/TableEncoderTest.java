package dev.breakwater.cache.table;

import dev.breakwater.cache.codec.AnnotationEdit;
import dev.breakwater.cache.codec.JsonListEncoderTest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.golang.GoJson;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Table bytes: the compact form as captured from kube-apiserver 1.36.3, and the pretty form
 * equal to Go's json.Indent of the compact one (what MarshalIndent writes), streamed per row.
 */
class TableEncoderTest {

  static final TableConvertor NAMES = new TableConvertor() {
    @Override
    public List<Column> columns() {
      return List.of(new Column("Name", "string", "name", "d <&>", 0), new Column("N", "integer", "", "", 1));
    }

    @Override
    public List<Object> cells(JsonNode object, Instant now) {
      return java.util.Arrays.asList(object.path("metadata").path("name").asText(), null);
    }
  };

  static String drain(TableEncoder e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c = e.nextChunk(); c != null; c = e.nextChunk()) {
      out.writeBytes(c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static TableEncoder encoder(List<CachedObject> items, boolean pretty) {
    TableRowCells cells = new TableRowCells(NAMES);
    return new TableEncoder(NAMES, "meta.k8s.io/v1", TableEncoder.listMeta(7, "tok", 3L), items.iterator(),
        o -> cells.of(o, Instant.EPOCH), o -> TableEncoder.NULL, pretty);
  }

  @Test
  void compactListAsTheApiserverWritesIt() {
    List<CachedObject> items = List.of(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"a\"}}"),
        JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"b\"}}"));
    assertThat(drain(encoder(items, false))).isEqualTo("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
        + "\"metadata\":{\"resourceVersion\":\"7\",\"continue\":\"tok\",\"remainingItemCount\":3},"
        + "\"columnDefinitions\":[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"d \\u003c\\u0026\\u003e\","
        + "\"priority\":0},{\"name\":\"N\",\"type\":\"integer\",\"format\":\"\",\"description\":\"\",\"priority\":1}],"
        + "\"rows\":[{\"cells\":[\"a\",null],\"object\":null},{\"cells\":[\"b\",null],\"object\":null}]}\n");
  }

  @Test
  void prettyIsMarshalIndentOfTheCompactForm() {
    for (int n : new int[] {0, 1, 3}) {
      List<CachedObject> items = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"o" + i + "\"}}"));
      }
      String compact = drain(encoder(items, false)).trim();
      String expected = new String(GoJson.indent(compact.getBytes(StandardCharsets.UTF_8), "", "  "), StandardCharsets.UTF_8);
      assertThat(drain(encoder(items, true))).as(n + " rows").isEqualTo(expected);
    }
  }

  @Test
  void oneRowTablesWithoutHeadersHaveNullColumnDefinitions() {
    byte[] t = TableEncoder.single(NAMES, "meta.k8s.io/v1beta1", 5, false,
        TableEncoder.parseJson("{\"metadata\":{\"name\":\"x\"}}".getBytes(StandardCharsets.UTF_8)),
        "{\"kind\":\"PartialObjectMetadata\"}".getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    assertThat(new String(t, StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1beta1\","
        + "\"metadata\":{\"resourceVersion\":\"5\"},\"columnDefinitions\":null,\"rows\":[{\"cells\":[\"x\",null],"
        + "\"object\":{\"kind\":\"PartialObjectMetadata\"}}]}");
  }

  @Test
  void annotationEditDropsOneAnnotationOrTheEmptyMap() {
    String two = "{\"kind\":\"K\",\"metadata\":{\"name\":\"d\",\"annotations\":{\"a\":\"1\",\"deprecated.x\":\"2\",\"z\":\"<\"},\"uid\":\"u\"}}";
    assertThat(new String(AnnotationEdit.without(two.getBytes(StandardCharsets.UTF_8), "deprecated.x", v -> true), StandardCharsets.UTF_8))
        .isEqualTo("{\"kind\":\"K\",\"metadata\":{\"name\":\"d\",\"annotations\":{\"a\":\"1\",\"z\":\"<\"},\"uid\":\"u\"}}");
    String only = "{\"metadata\":{\"name\":\"d\",\"annotations\":{\"deprecated.x\":\"2\"},\"uid\":\"u\"}}";
    assertThat(new String(AnnotationEdit.without(only.getBytes(StandardCharsets.UTF_8), "deprecated.x", v -> true), StandardCharsets.UTF_8))
        .isEqualTo("{\"metadata\":{\"name\":\"d\",\"uid\":\"u\"}}");
    String last = "{\"metadata\":{\"name\":\"d\",\"annotations\":{\"deprecated.x\":\"2\"}}}";
    assertThat(new String(AnnotationEdit.without(last.getBytes(StandardCharsets.UTF_8), "deprecated.x", v -> true), StandardCharsets.UTF_8))
        .isEqualTo("{\"metadata\":{\"name\":\"d\"}}");
    assertThat(AnnotationEdit.without(only.getBytes(StandardCharsets.UTF_8), "deprecated.x", v -> false))
        .isEqualTo(only.getBytes(StandardCharsets.UTF_8));
  }

  /** A convertor whose single cell is the second of "now" it printed at, counting its calls. */
  static final class Clocked implements dev.breakwater.cache.table.TableConvertor {
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public List<dev.breakwater.cache.table.Column> columns() {
      return NAMES.columns();
    }

    @Override
    public List<Object> cells(com.fasterxml.jackson.databind.JsonNode object, Instant now) {
      calls.incrementAndGet();
      return List.of(object.path("metadata").path("name").asText(), now.getEpochSecond());
    }
  }

  @Test
  void rowCellsAreMemoizedPerObjectWithinTheirSecond() {
    Clocked clocked = new Clocked();
    TableRowCells memo = new TableRowCells(clocked);
    CachedObject a = JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"a\"}}");
    Instant t = Instant.ofEpochSecond(100);
    byte[] first = memo.of(a, t);
    assertThat(memo.of(a, t.plusMillis(999))).isSameAs(first);
    assertThat(clocked.calls).hasValue(1);
    assertThat(new String(memo.of(a, t.plusSeconds(1)), StandardCharsets.UTF_8)).isEqualTo("{\"cells\":[\"a\",101],\"object\":");
    assertThat(clocked.calls).hasValue(2);
    // Another object (even with the same bytes) is printed on its own.
    memo.of(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"a\"}}"), t.plusSeconds(1));
    assertThat(clocked.calls).hasValue(3);
  }
}
