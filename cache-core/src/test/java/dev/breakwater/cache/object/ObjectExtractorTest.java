package dev.breakwater.cache.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.status.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectExtractorTest {
    static final String POD = """
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-1","namespace":"default","uid":"0c4e-11",\
            "resourceVersion":"18446744073709551615","labels":{"app":"web","tier":"front\\u0065nd","k8s.io/x":""},\
            "annotations":{"a":"{\\"metadata\\":{}}"},"managedFields":[{"manager":"kubectl"}]},\
            "spec":{"nodeName":"node-7","hostNetwork":true,"containers":[{"name":"c","image":"nginx"}],"priority":10},\
            "status":{"phase":"Running","podIP":"10.0.0.7","podIPs":[{"ip":"10.0.0.7"}]}}""";

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void extractsMetadataLabelsFieldsAndMetadataRange() {
        ObjectExtractor x = new ObjectExtractor(List.of("spec.nodeName", "spec.hostNetwork", "status.phase",
                "spec.priority", "spec.containers", "spec.missing", "metadata.name"));
        CachedObject o = x.extract(bytes(POD)).value();
        assertThat(o.name()).isEqualTo("web-1");
        assertThat(o.namespace()).isEqualTo("default");
        assertThat(o.uid()).isEqualTo("0c4e-11");
        assertThat(o.resourceVersion()).isEqualTo(-1L); // uint64 max
        assertThat(Long.toUnsignedString(o.resourceVersion())).isEqualTo("18446744073709551615");
        assertThat(o.labelMap()).containsExactly(Map.entry("app", "web"), Map.entry("tier", "frontend"), Map.entry("k8s.io/x", ""));
        assertThat(o.label("tier")).isEqualTo("frontend");
        assertThat(o.label("k8s.io/x")).isEqualTo("");
        assertThat(o.label("nope")).isNull();
        assertThat(o.field(0)).isEqualTo("node-7");
        assertThat(o.field(1)).isEqualTo("true");
        assertThat(o.field(2)).isEqualTo("Running");
        assertThat(o.field(3)).isEqualTo("10");
        assertThat(o.field(4)).isNull(); // not a scalar
        assertThat(o.field(5)).isNull();
        assertThat(o.field(6)).isEqualTo("web-1");
        String meta = POD.substring(o.metadataStart(), o.metadataEnd());
        assertThat(meta).startsWith("{\"name\":\"web-1\"").endsWith("[{\"manager\":\"kubectl\"}]}");
        assertThat(o.jsonString()).isEqualTo(POD);
    }

    @Test
    void selectorsMatchAgainstExtractedValues() {
        FieldLabels pod = FieldLabels.forKind("", "Pod");
        ObjectExtractor x = new ObjectExtractor(pod.jsonPaths());
        CachedObject o = x.extract(bytes(POD)).value();
        var fields = pod.fieldSource(path -> o.field(x.indexOf(path)));
        assertThat(FieldSelector.parse("spec.host=node-7,spec.hostNetwork=true,status.podIP=10.0.0.7").value()
                .transform(pod).value().matches(fields)).isTrue();
        assertThat(FieldSelector.parse("metadata.namespace!=default").value().matches(fields)).isFalse();
        assertThat(LabelSelector.parse("app=web,tier in (frontend),!missing").value().matches(o.labels())).isTrue();
        assertThat(LabelSelector.parse("k8s.io/x").value().matches(o.labels())).isTrue();
    }

    @Test
    void clusterScopedAndMinimalObjects() {
        CachedObject o = new ObjectExtractor(List.of()).extract(bytes("{\"metadata\":{\"name\":\"n1\",\"resourceVersion\":\"5\"}}")).value();
        assertThat(o.namespace()).isEmpty();
        assertThat(o.uid()).isEmpty();
        assertThat(o.labelCount()).isZero();
        assertThat(o.resourceVersion()).isEqualTo(5);
        CachedObject none = new ObjectExtractor(List.of("a")).extract(bytes("{}")).value();
        assertThat(none.metadataStart()).isEqualTo(-1);
        assertThat(none.name()).isEmpty();
        assertThat(none.field(0)).isNull();
    }

    @Test
    void unicodeAndEscapesDecodeCorrectly() {
        String json = "{\"metadata\":{\"name\":\"caf\u00e9\",\"labels\":{\"q\\\"k\":\"v\\\\1\",\"\u00e9\":\"\u00fc\"}},"
                + "\"x\":{\"y\":\"\\u003c\\ud83d\\ude00\"}}";
        ObjectExtractor x = new ObjectExtractor(List.of("x.y"));
        CachedObject o = x.extract(bytes(json)).value();
        assertThat(o.name()).isEqualTo("caf\u00e9");
        assertThat(o.label("q\"k")).isEqualTo("v\\1");
        assertThat(o.label("\u00e9")).isEqualTo("\u00fc");
        assertThat(o.field(0)).isEqualTo("<\ud83d\ude00");
    }

    @Test
    void extractsFromASliceOfALargerBuffer() {
        byte[] big = bytes("xxxx" + POD + "yyyy");
        CachedObject o = new ObjectExtractor(List.of("status.phase")).extract(big, 4, big.length - 8).value();
        assertThat(o.name()).isEqualTo("web-1");
        assertThat(o.field(0)).isEqualTo("Running");
        assertThat(o.jsonString()).isEqualTo(POD);
        assertThat(POD.substring(o.metadataStart(), o.metadataEnd())).startsWith("{\"name\"");
    }

    @Test
    void lastDuplicateKeyWinsLikeGo() {
        CachedObject o = new ObjectExtractor(List.of("s.a")).extract(bytes(
                "{\"metadata\":{\"name\":\"a\",\"name\":\"b\"},\"s\":{\"a\":1},\"s\":{\"a\":2}}")).value();
        assertThat(o.name()).isEqualTo("b");
        assertThat(o.field(0)).isEqualTo("2");
    }

    @Test
    void badInputIsAnErrorValueNotAnException() {
        ObjectExtractor x = new ObjectExtractor(List.of("spec.nodeName"));
        for (String bad : List.of("", "nope", "[]", "{\"metadata\":", "{} {}", "{\"metadata\":{\"labels\":{\"a\":1}}}",
                "{\"metadata\":{\"resourceVersion\":\"abc\"}}", "{\"metadata\":{\"resourceVersion\":7}}",
                "{\"metadata\":{\"name\":5}}")) {
            Result<CachedObject> r = x.extract(bytes(bad));
            assertThat(r.isOk()).as(bad).isFalse();
            assertThat(r.error().code()).isEqualTo(500);
        }
    }

    @Test
    void largeObjectsUseFourByteIndex() {
        String pad = "a".repeat(70_000);
        String json = "{\"pad\":\"" + pad + "\",\"metadata\":{\"name\":\"big\",\"labels\":{\"k\":\"v\\n\"}},\"spec\":{\"nodeName\":\"n\"}}";
        CachedObject o = new ObjectExtractor(List.of("spec.nodeName")).extract(bytes(json)).value();
        assertThat(o.name()).isEqualTo("big");
        assertThat(o.label("k")).isEqualTo("v\n");
        assertThat(o.field(0)).isEqualTo("n");
        assertThat(json.substring(o.metadataStart(), o.metadataEnd())).isEqualTo("{\"name\":\"big\",\"labels\":{\"k\":\"v\\n\"}}");
    }

    @Test
    void heapOverheadStaysUnderThirtyPercentForTypicalObjects() {
        String cm = """
                {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"settings-01","namespace":"default",\
                "uid":"3f1c2a9e-5b7d-4c1e-9a0f-2d6e8b4c7a11","resourceVersion":"123456","creationTimestamp":"2026-01-01T00:00:00Z",\
                "labels":{"app":"web","env":"prod"}},"data":{"mode":"fast","replicas":"3","region":"eu-west-1",\
                "feature.flags":"a,b,c","endpoint":"https://example.com/api/v1"}}""";
        FieldLabels labels = FieldLabels.DEFAULT;
        for (String json : List.of(cm, POD)) {
            CachedObject o = new ObjectExtractor(labels.jsonPaths()).extract(bytes(json)).value();
            assertThat((double) o.estimatedHeapBytes() / json.length()).as("%d bytes", json.length()).isLessThanOrEqualTo(1.3);
        }
        CachedObject pod = new ObjectExtractor(FieldLabels.forKind("", "Pod").jsonPaths()).extract(bytes(POD)).value();
        assertThat((double) pod.estimatedHeapBytes() / POD.length()).isLessThanOrEqualTo(1.3);
    }

    @Test
    void bytesAreNotExposedMutably() throws Exception {
        CachedObject o = new ObjectExtractor(List.of()).extract(bytes(POD)).value();
        byte[] copy = o.copyJson();
        copy[0] = 'X';
        assertThat(o.jsonString()).isEqualTo(POD);
        assertThat(o.jsonBuffer().isReadOnly()).isTrue();
        assertThat(o.jsonBuffer().remaining()).isEqualTo(POD.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        o.writeJsonTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(POD);
    }
}
