package dev.breakwater.cache.selector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    static List<Map<String, String>> goldenLabelSets() {
        List<Map<String, String>> sets = new ArrayList<>();
        for (JsonNode row : Golden.read("label-sets.jsonl")) {
            Map<String, String> m = new HashMap<>();
            row.get("labels").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            sets.add(m);
        }
        return sets;
    }

    @Test
    void parseStringAndMatchAgreeWithGoOnEveryGoldenCase() {
        List<Map<String, String>> sets = goldenLabelSets();
        List<JsonNode> rows = Golden.read("label-parse.jsonl");
        assertThat(rows).hasSizeGreaterThan(100);
        for (JsonNode row : rows) {
            String in = row.get("in").asText();
            Result<LabelSelector> r = LabelSelector.parse(in);
            if (row.has("err")) {
                assertThat(r.isOk()).as("should fail: %s", in).isFalse();
                assertThat(r.error().message()).as("error for %s", in).isEqualTo(row.get("err").asText());
                assertThat(r.error().code()).isEqualTo(400);
                continue;
            }
            assertThat(r.isOk()).as("should parse: %s -> %s", in, r).isTrue();
            LabelSelector s = r.value();
            assertThat(s.toString()).as("String() of %s", in).isEqualTo(row.get("string").asText());
            assertThat(s.isEmpty()).isEqualTo(row.get("empty").asBoolean());
            for (int i = 0; i < sets.size(); i++) {
                assertThat(s.matches(sets.get(i))).as("%s matches %s", in, sets.get(i))
                        .isEqualTo(row.get("matches").get(i).asBoolean());
            }
        }
    }

    @Test
    void requiresExactMatch() {
        LabelSelector s = LabelSelector.parse("a=1,b in (x),c in (x,y),d!=2").value();
        assertThat(s.requiresExactMatch("a")).contains("1");
        assertThat(s.requiresExactMatch("b")).contains("x");
        assertThat(s.requiresExactMatch("c")).isEmpty();
        assertThat(s.requiresExactMatch("d")).isEmpty();
        assertThat(s.requiresExactMatch("z")).isEmpty();
    }

    @Test
    void greaterLessUseInt64Semantics() {
        LabelSelector gt = LabelSelector.parse("a>5").value();
        assertThat(gt.matches(Map.of("a", "6"))).isTrue();
        assertThat(gt.matches(Map.of("a", "5"))).isFalse();
        assertThat(gt.matches(Map.of("a", "+7"))).isTrue();
        assertThat(gt.matches(Map.of("a", "9223372036854775807"))).isTrue();
        assertThat(gt.matches(Map.of("a", "9223372036854775808"))).isFalse();
        assertThat(gt.matches(Map.of("a", "\u0661\u0661"))).isFalse(); // non-ASCII digits are not integers in Go
        assertThat(LabelSelector.parse("a<-9223372036854775808").isOk()).isFalse(); // "-" invalid label value
        assertThat(LabelParser.parseInt64("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(LabelParser.parseInt64("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(LabelParser.parseInt64("9223372036854775808")).isNull();
        assertThat(LabelParser.parseInt64("-9223372036854775809")).isNull();
        assertThat(LabelParser.parseInt64("+")).isNull();
        assertThat(LabelParser.parseInt64("1_0")).isNull();
    }

    @Test
    void multipleValueErrorsAggregateInBrackets() {
        assertThat(LabelSelector.parse("a>b-").error().message()).startsWith(
                "unable to parse requirement: [values[0]: Invalid value: \"b-\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: \"b-\": a valid label");
    }

    // ---- properties -------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of("a", "b", "app", "k8s.io/x", "tier", "x_y", "z.z");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.of("", "1", "2", "10", "v", "prod", "a.b", "x-y");
    }

    @Provide
    Arbitrary<LabelRequirement> requirements() {
        Arbitrary<Operator> ops = Arbitraries.of(Operator.values());
        return Combinators.combine(keys(), ops, values().list().ofMinSize(1).ofMaxSize(3)).as((k, op, vs) -> {
            List<String> vals = switch (op) {
                case EXISTS, DOES_NOT_EXIST -> List.of();
                case IN, NOT_IN -> vs.stream().distinct().sorted().toList();
                case GREATER_THAN, LESS_THAN -> List.of(String.valueOf(Math.abs(vs.getFirst().hashCode() % 20)));
                default -> List.of(vs.getFirst());
            };
            return new LabelRequirement(k, op, vals);
        });
    }

    @Provide
    Arbitrary<List<LabelRequirement>> requirementLists() {
        return requirements().list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, String>> labelSets() {
        return Arbitraries.maps(keys(), values()).ofMaxSize(4);
    }

    @Property(tries = 500)
    void parseOfToStringRoundTrips(@ForAll("requirementLists") List<LabelRequirement> reqs) {
        List<LabelRequirement> sorted = new ArrayList<>(reqs);
        sorted.sort((x, y) -> x.key().compareTo(y.key()));
        LabelSelector s = new LabelSelector(sorted);
        LabelSelector back = LabelSelector.parse(s.toString()).value();
        assertThat(back).isEqualTo(s);
        assertThat(back.toString()).isEqualTo(s.toString());
    }

    @Property(tries = 500)
    void matchingAgreesWithNaiveReference(@ForAll("requirementLists") List<LabelRequirement> reqs,
                                          @ForAll("labelSets") Map<String, String> labels) {
        LabelSelector s = new LabelSelector(reqs);
        boolean expected = reqs.stream().allMatch(r -> naive(r, labels));
        assertThat(s.matches(labels)).as("%s on %s", s, labels).isEqualTo(expected);
        // Whitespace between tokens does not change the selector.
        String spaced = reqs.stream().map(LabelRequirement::toString).collect(Collectors.joining(" , "));
        if (!reqs.isEmpty()) {
            assertThat(LabelSelector.parse(spaced).value().matches(labels)).isEqualTo(expected);
        }
    }

    private static boolean naive(LabelRequirement r, Map<String, String> labels) {
        boolean has = labels.containsKey(r.key());
        String v = labels.get(r.key());
        return switch (r.operator()) {
            case EQUALS, DOUBLE_EQUALS, IN -> has && r.values().contains(v);
            case NOT_EQUALS, NOT_IN -> !has || !r.values().contains(v);
            case EXISTS -> has;
            case DOES_NOT_EXIST -> !has;
            case GREATER_THAN, LESS_THAN -> {
                if (!has || !v.matches("[+-]?[0-9]{1,18}")) {
                    yield false;
                }
                long a = Long.parseLong(v);
                long b = Long.parseLong(r.values().getFirst());
                yield r.operator() == Operator.GREATER_THAN ? a > b : a < b;
            }
        };
    }
}
