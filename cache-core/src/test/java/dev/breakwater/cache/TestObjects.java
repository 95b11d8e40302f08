package dev.breakwater.cache;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** ConfigMap-like test objects built through the real extractor. */
public final class TestObjects {
    public static final FieldLabels FIELDS = FieldLabels.DEFAULT;
    public static final ObjectExtractor EXTRACTOR = new ObjectExtractor(FIELDS.jsonPaths());

    private TestObjects() {}

    /** A ConfigMap {@code ns/name} (cluster-scoped if ns is empty) at {@code rv} with labels {@code k=v,...}. */
    public static CachedObject cm(String ns, String name, long rv, String... labelPairs) {
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            labels.append(labels.isEmpty() ? "" : ",").append('"').append(labelPairs[i]).append("\":\"")
                    .append(labelPairs[i + 1]).append('"');
        }
        String json = "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\""
                + (ns.isEmpty() ? "" : ",\"namespace\":\"" + ns + "\"")
                + ",\"uid\":\"u-" + ns + "-" + name + "\",\"resourceVersion\":\"" + rv + "\""
                + (labels.isEmpty() ? "" : ",\"labels\":{" + labels + "}") + "},\"data\":{\"k\":\"" + rv + "\"}}";
        return EXTRACTOR.extract(json.getBytes(StandardCharsets.UTF_8)).value();
    }

    public static SelectionPredicate predicate(String labelSelector, String fieldSelector) {
        LabelSelector l = LabelSelector.parse(labelSelector).value();
        FieldSelector f = FieldSelector.parse(fieldSelector).value().transform(FIELDS).value();
        return SelectionPredicate.of(l, f, FIELDS, EXTRACTOR);
    }

    public static String names(Iterable<CachedObject> objs) {
        StringBuilder sb = new StringBuilder();
        for (CachedObject o : objs) {
            sb.append(sb.isEmpty() ? "" : " ").append(o.namespace().isEmpty() ? "" : o.namespace() + "/").append(o.name());
        }
        return sb.toString();
    }

    public static String labels(Map<String, String> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
