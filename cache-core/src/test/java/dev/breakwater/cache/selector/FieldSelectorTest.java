package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.FieldSource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

    @Test
    void parseStringAndMatchAgreeWithGoOnEveryGoldenCase() {
        List<Map<String, String>> sets = new ArrayList<>();
        for (JsonNode row : Golden.read("field-sets.jsonl")) {
            Map<String, String> m = new HashMap<>();
            row.get("fields").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            sets.add(m);
        }
        List<JsonNode> rows = Golden.read("field-parse.jsonl");
        assertThat(rows).hasSizeGreaterThan(40);
        for (JsonNode row : rows) {
            String in = row.get("in").asText();
            Result<FieldSelector> r = FieldSelector.parse(in);
            if (row.has("err")) {
                assertThat(r.isOk()).as("should fail: %s", in).isFalse();
                assertThat(r.error().message()).as("error for %s", in).isEqualTo(row.get("err").asText());
                assertThat(r.error().code()).isEqualTo(400);
                continue;
            }
            assertThat(r.isOk()).as("should parse: %s -> %s", in, r).isTrue();
            assertThat(r.value().toString()).as("String() of %s", in).isEqualTo(row.get("string").asText());
            assertThat(r.value().isEmpty()).as("Empty() of %s", in).isEqualTo(row.get("empty").asBoolean());
            for (int i = 0; i < sets.size(); i++) {
                assertThat(r.value().matches(sets.get(i))).as("%s matches %s", in, sets.get(i))
                        .isEqualTo(row.get("matches").get(i).asBoolean());
            }
        }
    }

    @Test
    void fieldLabelConversionAgreesWithGoSchemeForEveryKind() {
        List<JsonNode> rows = Golden.read("field-labels.jsonl");
        assertThat(rows).hasSizeGreaterThan(500);
        for (JsonNode row : rows) {
            FieldLabels table = FieldLabels.forKind(row.get("group").asText(), row.get("kind").asText());
            Result<String> r = table.convert(row.get("label").asText());
            String what = row.get("group").asText() + "/" + row.get("kind").asText() + " " + row.get("label").asText();
            if (row.has("err")) {
                assertThat(r.isOk()).as("should reject %s", what).isFalse();
                assertThat(r.error().message()).as(what).isEqualTo(row.get("err").asText());
            } else {
                assertThat(r.isOk()).as("should accept %s: %s", what, r).isTrue();
                assertThat(r.value()).as(what).isEqualTo(row.get("to").asText());
            }
        }
    }

    @Test
    void transformAppliesConversionAndReportsBadRequest() {
        FieldSelector s = FieldSelector.parse("spec.host=n1,status.phase!=Running").value();
        FieldSelector pod = s.transform(FieldLabels.forKind("", "Pod")).value();
        assertThat(pod.toString()).isEqualTo("spec.nodeName=n1,status.phase!=Running");
        Result<FieldSelector> cm = s.transform(FieldLabels.forKind("", "ConfigMap"));
        assertThat(cm.error().code()).isEqualTo(400);
        assertThat(cm.error().message()).isEqualTo("\"spec.host\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        assertThat(FieldSelector.parse("foo=1").value().transform(FieldLabels.forKind("batch", "Job")).error().message())
                .isEqualTo("field label \"foo\" not supported for Job");
        assertThat(FieldSelector.parse("foo=1").value().transform(FieldLabels.forKind("resource.k8s.io", "ResourceSlice")).error().message())
                .isEqualTo("field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: foo");
    }

    @Test
    void podFieldValuesFollowToSelectableFields() {
        FieldLabels pod = FieldLabels.forKind("", "Pod");
        Map<String, String> raw = Map.of("metadata.name", "p", "spec.nodeName", "n1", "status.podIP", "10.0.0.1");
        FieldSource fs = pod.fieldSource(raw::get);
        assertThat(fs.get("spec.hostNetwork")).isEqualTo("false");
        assertThat(fs.get("metadata.namespace")).isEqualTo("");
        assertThat(fs.get("status.podIPs")).isEqualTo("");
        assertThat(FieldSelector.parse("spec.nodeName=n1,spec.hostNetwork=false").value().matches(fs)).isTrue();
        assertThat(FieldSelector.parse("status.podIPs=10.0.0.1").value().transform(pod).value().matches(fs)).isFalse();
        assertThat(pod.jsonPaths()).contains("spec.nodeName", "spec.hostNetwork", "status.podIP");
    }

    @Test
    void eventSourceFallsBackToReportingComponent() {
        FieldLabels core = FieldLabels.forKind("", "Event");
        assertThat(core.fieldSource(Map.of("reportingComponent", "kubelet")::get).get("source")).isEqualTo("kubelet");
        assertThat(core.fieldSource(Map.of("source.component", "sched", "reportingComponent", "kubelet")::get).get("source")).isEqualTo("sched");
        FieldLabels ev = FieldLabels.forKind("events.k8s.io", "Event");
        FieldSelector s = FieldSelector.parse("regarding.name=p1,reportingController=c").value().transform(ev).value();
        assertThat(s.toString()).isEqualTo("involvedObject.name=p1,reportingComponent=c");
        assertThat(s.matches(ev.fieldSource(Map.of("regarding.name", "p1", "reportingController", "c")::get))).isTrue();
        FieldLabels rc = FieldLabels.forKind("", "ReplicationController");
        assertThat(rc.fieldSource(Map.<String, String>of()::get).get("status.replicas")).isEqualTo("0");
        FieldLabels job = FieldLabels.forKind("batch", "Job");
        assertThat(job.fieldSource(Map.of("status.succeeded", "3")::get).get("status.successful")).isEqualTo("3");
    }

    @Test
    void customResourceSelectableFieldsRegisteredAtRuntime() {
        FieldLabelRegistry reg = new FieldLabelRegistry();
        assertThat(reg.lookup("example.com", "v1", "Widget").convert("spec.color").error().message())
                .isEqualTo("\"spec.color\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        reg.registerCustomResource("example.com", "v1", "Widget", false, List.of(".spec.color", "spec.size"));
        FieldLabels w = reg.lookup("example.com", "v1", "Widget");
        assertThat(w.convert("spec.color").value()).isEqualTo("spec.color");
        assertThat(w.convert("spec.size").value()).isEqualTo("spec.size");
        assertThat(w.convert("metadata.namespace").error().message()).isEqualTo("field label not supported: metadata.namespace");
        assertThat(reg.lookup("example.com", "v2", "Widget")).isSameAs(FieldLabels.DEFAULT);
        reg.removeCustomResource("example.com", "v1", "Widget");
        assertThat(reg.lookup("example.com", "v1", "Widget")).isSameAs(FieldLabels.DEFAULT);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<FieldRequirement> terms() {
        Arbitrary<String> fields = Arbitraries.of("a", "b", "metadata.name", "spec.x");
        Arbitrary<String> values = Arbitraries.strings().withChars("ab,=\\ é").ofMaxLength(5);
        return Combinators.combine(fields, Arbitraries.of(Operator.EQUALS, Operator.NOT_EQUALS), values)
                .as(FieldRequirement::new);
    }

    @Provide
    Arbitrary<List<FieldRequirement>> termLists() {
        return terms().list().ofMaxSize(4);
    }

    @Property(tries = 500)
    void parseOfToStringIsEquivalent(@ForAll("termLists") List<FieldRequirement> terms,
                                     @ForAll("fieldMaps") Map<String, String> fields) {
        FieldSelector s = new FieldSelector(terms);
        FieldSelector back = FieldSelector.parse(s.toString()).value();
        // Terms come back sorted, so compare meaning: same matching and same term multiset.
        assertThat(back.requirements()).containsExactlyInAnyOrderElementsOf(terms);
        assertThat(back.matches(fields)).isEqualTo(s.matches(fields));
        boolean naive = terms.stream().allMatch(t -> fields.getOrDefault(t.field(), "").equals(t.value()) == (t.operator() == Operator.EQUALS));
        assertThat(s.matches(fields)).isEqualTo(naive);
    }

    @Provide
    Arbitrary<Map<String, String>> fieldMaps() {
        return Arbitraries.maps(Arbitraries.of("a", "b", "metadata.name"), Arbitraries.strings().withChars("ab,=\\").ofMaxLength(3)).ofMaxSize(3);
    }
}
