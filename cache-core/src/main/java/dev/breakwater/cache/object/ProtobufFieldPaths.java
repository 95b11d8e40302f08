package dev.breakwater.cache.object;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the selectable fields of the built-in kinds live in their protobuf messages: each JSON
 * path of {@code FieldLabels} (cache-core selector) as the field numbers leading to it from the
 * top-level message, and its scalar type, read from k8s.io/api v0.36.3 {@code generated.proto}
 * (core/v1, events/v1, batch/v1, certificates/v1, resource/v1). {@code metadata.name} and
 * {@code metadata.namespace} are ObjectMeta's and handled by {@link ProtobufExtractor} itself.
 * Immutable.
 */
public final class ProtobufFieldPaths {

    /** How a value is written: a length-delimited string, a varint bool, a varint int32. */
    public enum Type { STRING, BOOL, INT32 }

    /** A field's place: field numbers from the top-level message down, and its type. */
    public record Path(List<Integer> numbers, Type type) {}

    private static final Map<String, Map<String, Path>> BY_KIND = new HashMap<>();

    private static Path s(Integer... numbers) {
        return new Path(List.of(numbers), Type.STRING);
    }

    static {
        BY_KIND.put("v1/Pod", Map.of(
                "spec.nodeName", s(2, 10), "spec.restartPolicy", s(2, 3), "spec.schedulerName", s(2, 19),
                "spec.serviceAccountName", s(2, 8), "spec.hostNetwork", new Path(List.of(2, 11), Type.BOOL),
                "status.phase", s(3, 1), "status.podIP", s(3, 6), "status.nominatedNodeName", s(3, 11)));
        Map<String, Path> core = new HashMap<>();
        Map<String, Path> events = new HashMap<>();
        String[] ref = {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}; // ObjectReference 1..7
        for (int i = 0; i < ref.length; i++) {
            core.put("involvedObject." + ref[i], s(2, i + 1));
            events.put("regarding." + ref[i], s(8, i + 1));
        }
        core.putAll(Map.of("reason", s(3), "source.component", s(5, 1), "type", s(9), "reportingComponent", s(14)));
        events.putAll(Map.of("reason", s(7), "reportingController", s(4), "deprecatedSource.component", s(12, 1), "type", s(11)));
        BY_KIND.put("v1/Event", Map.copyOf(core));
        BY_KIND.put("events.k8s.io/v1/Event", Map.copyOf(events));
        BY_KIND.put("v1/Node", Map.of("spec.unschedulable", new Path(List.of(2, 4), Type.BOOL)));
        BY_KIND.put("v1/Namespace", Map.of("status.phase", s(3, 1)));
        BY_KIND.put("v1/Secret", Map.of("type", s(3)));
        BY_KIND.put("v1/Service", Map.of("spec.clusterIP", s(2, 3), "spec.type", s(2, 4)));
        BY_KIND.put("v1/ReplicationController", Map.of("status.replicas", new Path(List.of(3, 1), Type.INT32)));
        BY_KIND.put("batch/v1/Job", Map.of("status.succeeded", new Path(List.of(3, 5), Type.INT32)));
        BY_KIND.put("certificates.k8s.io/v1/CertificateSigningRequest", Map.of("spec.signerName", s(2, 7)));
        BY_KIND.put("resource.k8s.io/v1/ResourceSlice", Map.of("spec.nodeName", s(2, 3), "spec.driver", s(2, 1)));
    }

    private ProtobufFieldPaths() {}

    /**
     * The protobuf places of {@code jsonPaths} for a kind ({@code apiVersion} as in an object:
     * {@code v1}, {@code batch/v1}), in order ({@code metadata.name}/{@code metadata.namespace} as
     * null entries); empty if any other path has no known place (that cache then selects on the two
     * metadata fields only).
     */
    public static Optional<List<Path>> of(String apiVersion, String kind, List<String> jsonPaths) {
        Map<String, Path> known = BY_KIND.getOrDefault(apiVersion + "/" + kind, Map.of());
        Path[] out = new Path[jsonPaths.size()];
        for (int i = 0; i < out.length; i++) {
            String p = jsonPaths.get(i);
            if (p.equals("metadata.name") || p.equals("metadata.namespace")) {
                continue;
            }
            out[i] = known.get(p);
            if (out[i] == null) {
                return Optional.empty();
            }
        }
        return Optional.of(java.util.Collections.unmodifiableList(java.util.Arrays.asList(out)));
    }
}
