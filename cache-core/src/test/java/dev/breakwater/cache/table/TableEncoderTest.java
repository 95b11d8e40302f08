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
    public List<Object> cells(JsonNode object) {
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

  /** A convertor with a name cell and an AGE cell (a {@link Since} of the creation time), counting its calls. */
  static final class Clocked implements dev.breakwater.cache.table.TableConvertor {
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public List<dev.breakwater.cache.table.Column> columns() {
      return NAMES.columns();
    }

    @Override
    public List<Object> cells(com.fasterxml.jackson.databind.JsonNode object) {
      calls.incrementAndGet();
      return List.of(object.path("metadata").path("name").asText(), BuiltInTableConvertors.age(object));
    }
  }

  @Test
  void rowsAreExtractedOncePerObjectVersionAndOnlyTheAgeIsReprinted() {
    Clocked clocked = new Clocked();
    TableRowCells memo = new TableRowCells(clocked);
    CachedObject a = JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"2026-11-22T08:00:00Z\"}}");
    Instant t = Instant.parse("2026-11-22T08:00:30Z");
    assertThat(new String(memo.of(a, t), StandardCharsets.UTF_8)).isEqualTo("{\"cells\":[\"a\",\"30s\"],\"object\":");
    assertThat(new String(memo.of(a, t.plusSeconds(3600 * 30)), StandardCharsets.UTF_8))
        .isEqualTo("{\"cells\":[\"a\",\"30h\"],\"object\":");
    assertThat(memo.template(a)).isSameAs(memo.template(a));
    assertThat(clocked.calls).as("parsed and printed once, whatever the time").hasValue(1);
    // A new version of the object (a new CachedObject, even with the same bytes) is extracted on its own.
    memo.of(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"2026-11-22T08:00:00Z\"}}"), t);
    assertThat(clocked.calls).hasValue(2);
    // Printed from the template at any time = printed from the object at that time.
    for (long s : new long[] {-5, 0, 59, 119, 600, 36_000, 86_400 * 3, 86_400 * 400}) {
      Instant now = Instant.parse("2026-11-22T08:00:00Z").plusSeconds(s);
      assertThat(memo.of(a, now)).as("at +%ds", s)
          .isEqualTo(TableEncoder.rowCells(clocked, TableEncoder.parseJson(a.copyJson()), now));
    }
  }

  @Test
  void templatedListEqualsTheRowByRowList() {
    TableRowCells memo = new TableRowCells(new Clocked());
    List<CachedObject> items = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) { // several chunks
      items.add(JsonListEncoderTest.obj("{\"metadata\":{\"name\":\"o" + i + "-" + "x".repeat(i % 300)
          + "\",\"creationTimestamp\":\"2026-11-22T0" + (i % 10) + ":00:00Z\"}}"));
    }
    Instant now = Instant.parse("2026-11-23T00:00:00Z");
    for (boolean pretty : new boolean[] {false, true}) {
      TableEncoder templated = new TableEncoder(memo.convertor(), "meta.k8s.io/v1", TableEncoder.listMeta(7, null, null), items.iterator(),
          memo::template, now, (out, o) -> out.write(TableEncoder.NULL), pretty);
      TableEncoder direct = new TableEncoder(memo.convertor(), "meta.k8s.io/v1", TableEncoder.listMeta(7, null, null), items.iterator(),
          o -> TableEncoder.rowCells(memo.convertor(), TableEncoder.parseJson(o.copyJson()), now), o -> TableEncoder.NULL, pretty);
      assertThat(drain(templated)).as("pretty=%s", pretty).isEqualTo(drain(direct)).contains("\"16h\"");
    }
  }
}
