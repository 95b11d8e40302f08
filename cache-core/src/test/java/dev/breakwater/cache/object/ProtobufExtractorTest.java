package dev.breakwater.cache.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.selector.FieldLabels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The selectable fields of built-in kinds read from protobuf bytes give the field set the JSON path
 * gives for the same object (FieldLabels over ObjectExtractor's values): strings, bools and int32s,
 * absent fields, nested messages, merged duplicates, and objects either side of the index's 2-byte limit.
 */
class ProtobufExtractorTest {

  /** A protobuf message writer: just enough wire format for the tests. */
  static final class Msg {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Msg str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Msg msg(int field, Msg m) {
      return bytes(field, m.out.toByteArray());
    }

    Msg varint(int field, long v) {
      varint((long) field << 3);
      varint(v);
      return this;
    }

    Msg bytes(int field, byte[] b) {
      varint((long) field << 3 | 2);
      varint(b.length);
      out.writeBytes(b);
      return this;
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) (v & 0x7F) | 0x80);
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }

  static Msg meta(String name, String ns) {
    return new Msg().str(1, name).str(3, ns).str(6, "42");
  }

  /** Field name → value, as a selector reads them. */
  static Map<String, String> fieldSet(FieldLabels labels, CachedObject o) {
    List<String> paths = labels.jsonPaths();
    FieldSource fs = labels.fieldSource(p -> o.field(paths.indexOf(p)));
    Map<String, String> out = new LinkedHashMap<>();
    for (FieldLabels.Field f : labels.fields()) {
      out.put(f.name(), fs.get(f.name()));
    }
    return out;
  }

  static Map<String, String> fromProtobuf(String apiVersion, String group, String kind, byte[] pb) {
    FieldLabels labels = FieldLabels.forKind(group, kind);
    ProtobufExtractor x = ProtobufExtractor.forKind(apiVersion, kind, labels.jsonPaths()).orElseThrow();
    return fieldSet(labels, x.extract(pb, 0, pb.length).value());
  }

  static Map<String, String> fromJson(String group, String kind, String json) {
    FieldLabels labels = FieldLabels.forKind(group, kind);
    return fieldSet(labels, new ObjectExtractor(labels.jsonPaths()).extract(json.getBytes(StandardCharsets.UTF_8)).value());
  }

  @Test
  void aPodsFieldsAreTheJsonPathsFields() {
    byte[] pb = new Msg().msg(1, meta("p1", "ns1"))
        .msg(2, new Msg().str(3, "Always").str(8, "sa").str(10, "n1").varint(11, 1).str(19, "default-scheduler").str(4, "x"))
        .msg(3, new Msg().str(1, "Running").str(6, "10.0.0.1").str(11, "")).toBytes();
    String json = """
        {"metadata":{"name":"p1","namespace":"ns1","resourceVersion":"42"},
         "spec":{"restartPolicy":"Always","serviceAccountName":"sa","nodeName":"n1","hostNetwork":true,"schedulerName":"default-scheduler"},
         "status":{"phase":"Running","podIP":"10.0.0.1"}}""";
    Map<String, String> p = fromProtobuf("v1", "", "Pod", pb);
    assertThat(p).isEqualTo(fromJson("", "Pod", json));
    assertThat(p).containsEntry("spec.nodeName", "n1").containsEntry("spec.hostNetwork", "true").containsEntry("status.phase", "Running")
        .containsEntry("status.nominatedNodeName", "").containsEntry("metadata.namespace", "ns1");
  }

  @Test
  void absentFieldsReadAsTheirZeroValues() {
    byte[] pb = new Msg().msg(1, meta("p2", "ns1")).toBytes();
    Map<String, String> p = fromProtobuf("v1", "", "Pod", pb);
    assertThat(p).isEqualTo(fromJson("", "Pod", "{\"metadata\":{\"name\":\"p2\",\"namespace\":\"ns1\"}}"));
    assertThat(p).containsEntry("spec.hostNetwork", "false").containsEntry("spec.nodeName", "");
    byte[] node = new Msg().msg(1, meta("n1", "")).msg(2, new Msg().varint(4, 0)).toBytes();
    assertThat(fromProtobuf("v1", "", "Node", node)).containsEntry("spec.unschedulable", "false");
    byte[] cordoned = new Msg().msg(1, meta("n1", "")).msg(2, new Msg().varint(4, 1)).toBytes();
    assertThat(fromProtobuf("v1", "", "Node", cordoned)).containsEntry("spec.unschedulable", "true");
  }

  @Test
  void int32sEventsAndTheSourceFallback() {
    byte[] rc = new Msg().msg(1, meta("rc", "ns")).msg(3, new Msg().varint(1, -1L)).toBytes();
    assertThat(fromProtobuf("v1", "", "ReplicationController", rc)).containsEntry("status.replicas", "-1");
    byte[] job = new Msg().msg(1, meta("j", "ns")).msg(3, new Msg().varint(5, 3)).toBytes();
    assertThat(fromProtobuf("batch/v1", "batch", "Job", job)).containsEntry("status.successful", "3");
    // Core Event: source is source.component, or reportingComponent when that is empty.
    byte[] ev = new Msg().msg(1, meta("e", "ns")).msg(2, new Msg().str(1, "Pod").str(3, "p1").str(2, "ns"))
        .str(3, "Started").msg(5, new Msg().str(1, "")).str(9, "Normal").str(14, "kubelet").toBytes();
    String json = """
        {"metadata":{"name":"e","namespace":"ns"},"involvedObject":{"kind":"Pod","name":"p1","namespace":"ns"},
         "reason":"Started","source":{},"type":"Normal","reportingComponent":"kubelet"}""";
    Map<String, String> e = fromProtobuf("v1", "", "Event", ev);
    assertThat(e).isEqualTo(fromJson("", "Event", json)).containsEntry("source", "kubelet").containsEntry("involvedObject.name", "p1");
    byte[] ev2 = new Msg().msg(1, meta("e", "ns")).msg(8, new Msg().str(1, "Pod").str(3, "p2")).str(7, "Pulled")
        .msg(12, new Msg().str(1, "kubelet")).str(11, "Warning").str(4, "ctrl").toBytes();
    assertThat(fromProtobuf("events.k8s.io/v1", "events.k8s.io", "Event", ev2)).containsEntry("involvedObject.name", "p2")
        .containsEntry("source", "kubelet").containsEntry("reportingComponent", "ctrl").containsEntry("type", "Warning");
  }

  @Test
  void duplicatesMergeAndOtherWireTypesReadAsAbsent() {
    byte[] pb = new Msg().msg(1, meta("p", "ns")).msg(2, new Msg().str(10, "first")).msg(2, new Msg().str(3, "Never"))
        .msg(2, new Msg().str(10, "last")).msg(3, new Msg().varint(1, 7)).toBytes();
    Map<String, String> p = fromProtobuf("v1", "", "Pod", pb);
    assertThat(p).containsEntry("spec.nodeName", "last").containsEntry("spec.restartPolicy", "Never").containsEntry("status.phase", "");
  }

  @Test
  void kindsWithoutKnownPlacesAndOtherVersionsHaveNoExtractor() {
    assertThat(ProtobufExtractor.forKind("v1", "ConfigMap", FieldLabels.forKind("", "ConfigMap").jsonPaths())).isPresent();
    assertThat(ProtobufExtractor.forKind("resource.k8s.io/v1beta1", "ResourceSlice",
        FieldLabels.forKind("resource.k8s.io", "ResourceSlice").jsonPaths())).isEmpty();
    assertThat(ProtobufExtractor.forKind("v1", "Pod", List.of("metadata.name", "spec.unknown"))).isEmpty();
  }

  @Test
  void objectsAroundTheIndexWidthLimitKeepTheirValues() {
    for (int pad = 32_600; pad < 32_800; pad += 7) {
      byte[] pb = new Msg().msg(1, meta("n", "")).msg(2, new Msg().varint(4, 1).str(99, "x".repeat(pad))).toBytes();
      Map<String, String> n = fromProtobuf("v1", "", "Node", pb);
      assertThat(n).as("pad %d", pad).containsEntry("spec.unschedulable", "true").containsEntry("metadata.name", "n");
      FieldLabels labels = FieldLabels.forKind("", "Node");
      CachedObject o = ProtobufExtractor.forKind("v1", "Node", labels.jsonPaths()).orElseThrow().extract(pb, 0, pb.length).value();
      assertThat(o.copyJson()).isEqualTo(pb);
      assertThat(o.resourceVersion()).isEqualTo(42);
    }
  }
}
