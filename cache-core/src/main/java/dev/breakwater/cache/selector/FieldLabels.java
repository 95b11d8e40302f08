package dev.breakwater.cache.selector;

import dev.breakwater.cache.object.FieldSource;
import dev.breakwater.cache.golang.GoStrings;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The selectable fields of one kind: which field labels a request may use (and what they convert to), and how to
 * compute each field's value from the object's JSON.
 *
 * <p>Mirrors two Go pieces per kind: the {@code AddFieldLabelConversionFunc} registrations
 * ({@code pkg/apis/core/v1/conversion.go}, {@code batch/v1}, {@code certificates/v1}, {@code resource/v1},
 * {@code events/v1}, {@code runtime.DefaultMetaV1FieldSelectorConversion}, and {@code crConverter.ConvertFieldLabel}
 * in apiextensions-apiserver) including their differing error texts, and the registry {@code ToSelectableFields} /
 * {@code GetAttrs} functions that define the values (e.g. Pod {@code spec.hostNetwork} is {@code "false"} when
 * absent, RC {@code status.replicas} {@code "0"}, core Event {@code source} falls back to
 * {@code reportingComponent}). A label accepted by conversion but missing from the field set (Pod
 * {@code status.podIPs}) reads as "", as in Go.
 *
 * <p>Values are computed from JSON fields of the served version (v1), see {@link Field}. Immutable and
 * thread-safe.
 */
public final class FieldLabels implements FieldLabelConverter {

    /** How a JSON value becomes a field value when absent or null. */
    public enum Type {
        /** {@code string(x)}: absent → "". */
        STRING(""),
        /** {@code strconv.FormatBool} / {@code fmt.Sprint(bool)}: absent → "false". */
        BOOL("false"),
        /** {@code strconv.Itoa(int)}: absent → "0". */
        INT("0");

        final String zero;

        Type(String zero) {
            this.zero = zero;
        }
    }

    /**
     * One selectable field.
     *
     * @param name     the canonical field name matched by selectors, e.g. {@code spec.nodeName}
     * @param path     the dotted JSON path read from the object, e.g. {@code regarding.kind}
     * @param fallback a second JSON path used when {@code path} yields "" (core Event {@code source}), or null
     * @param type     how absence renders
     */
    public record Field(String name, String path, String fallback, Type type) {}

    private final Map<String, String> labelToField; // accepted request label -> canonical field name
    private final Map<String, Field> fields; // canonical name -> extraction rule (insertion order)
    private final Function<String, String> unknownLabelError;

    private FieldLabels(Map<String, String> labelToField, List<Field> fields, Function<String, String> unknownLabelError) {
        this.labelToField = Map.copyOf(labelToField);
        Map<String, Field> f = new LinkedHashMap<>();
        for (Field x : fields) {
            f.put(x.name(), x);
        }
        this.fields = java.util.Collections.unmodifiableMap(f);
        this.unknownLabelError = unknownLabelError;
    }

    // ---- the built-in table (SEMANTICS.md "Field selectors") ----------------------------------------------

    private static final Function<String, String> NOT_SUPPORTED = l -> "field label not supported: " + l;

    private static Field str(String name) {
        return new Field(name, name, null, Type.STRING);
    }

    private static final Field NAME = str("metadata.name");
    private static final Field NAMESPACE = str("metadata.namespace");

    private static FieldLabels simple(Function<String, String> err, Field... fs) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Field f : fs) {
            labels.put(f.name(), f.name());
        }
        return new FieldLabels(labels, List.of(fs), err);
    }

    /** ConfigMap, Deployment, PV, PVC, ...: {@code runtime.DefaultMetaV1FieldSelectorConversion}. */
    public static final FieldLabels DEFAULT = simple(
            l -> GoStrings.quote(l) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            NAME, NAMESPACE);

    private static final FieldLabels POD;
    private static final FieldLabels CORE_EVENT;
    private static final FieldLabels EVENTS_EVENT;
    private static final Map<String, FieldLabels> BUILT_IN = new LinkedHashMap<>();

    static {
        List<Field> pod = List.of(NAME, NAMESPACE, str("spec.nodeName"), str("spec.restartPolicy"),
                str("spec.schedulerName"), str("spec.serviceAccountName"),
                new Field("spec.hostNetwork", "spec.hostNetwork", null, Type.BOOL), str("status.phase"),
                str("status.podIP"), str("status.nominatedNodeName"));
        Map<String, String> podLabels = new LinkedHashMap<>();
        pod.forEach(f -> podLabels.put(f.name(), f.name()));
        podLabels.put("status.podIPs", "status.podIPs"); // accepted, but not in ToSelectableFields: reads ""
        podLabels.put("spec.host", "spec.nodeName");
        POD = new FieldLabels(podLabels, pod, NOT_SUPPORTED);

        String[] involved = {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"};
        List<Field> core = new ArrayList<>(List.of(NAME, NAMESPACE));
        Map<String, String> coreLabels = new LinkedHashMap<>(Map.of("metadata.name", "metadata.name",
                "metadata.namespace", "metadata.namespace"));
        List<Field> ev = new ArrayList<>(List.of(NAME, NAMESPACE));
        Map<String, String> evLabels = new LinkedHashMap<>(coreLabels);
        for (String p : involved) {
            core.add(str("involvedObject." + p));
            coreLabels.put("involvedObject." + p, "involvedObject." + p);
            ev.add(new Field("involvedObject." + p, "regarding." + p, null, Type.STRING));
            evLabels.put("regarding." + p, "involvedObject." + p);
        }
        core.add(str("reason"));
        core.add(str("reportingComponent"));
        core.add(new Field("source", "source.component", "reportingComponent", Type.STRING));
        core.add(str("type"));
        for (String l : List.of("reason", "reportingComponent", "source", "type")) {
            coreLabels.put(l, l);
        }
        CORE_EVENT = new FieldLabels(coreLabels, core, NOT_SUPPORTED);
        ev.add(str("reason"));
        ev.add(new Field("reportingComponent", "reportingController", null, Type.STRING));
        ev.add(new Field("source", "deprecatedSource.component", "reportingController", Type.STRING));
        ev.add(str("type"));
        evLabels.put("reason", "reason");
        evLabels.put("reportingController", "reportingComponent");
        evLabels.put("type", "type");
        EVENTS_EVENT = new FieldLabels(evLabels, ev, NOT_SUPPORTED);

        BUILT_IN.put("/Pod", POD);
        BUILT_IN.put("/Event", CORE_EVENT);
        BUILT_IN.put("events.k8s.io/Event", EVENTS_EVENT);
        BUILT_IN.put("/Node", simple(NOT_SUPPORTED, NAME, new Field("spec.unschedulable", "spec.unschedulable", null, Type.BOOL)));
        BUILT_IN.put("/Namespace", simple(NOT_SUPPORTED, NAME, str("status.phase")));
        BUILT_IN.put("/Secret", simple(NOT_SUPPORTED, NAME, NAMESPACE, str("type")));
        BUILT_IN.put("/Service", simple(NOT_SUPPORTED, NAME, NAMESPACE, str("spec.clusterIP"), str("spec.type")));
        BUILT_IN.put("/ReplicationController", simple(NOT_SUPPORTED, NAME, NAMESPACE,
                new Field("status.replicas", "status.replicas", null, Type.INT)));
        BUILT_IN.put("batch/Job", simple(l -> "field label " + GoStrings.quote(l) + " not supported for Job", NAME, NAMESPACE,
                new Field("status.successful", "status.succeeded", null, Type.INT)));
        BUILT_IN.put("certificates.k8s.io/CertificateSigningRequest", simple(NOT_SUPPORTED, NAME, str("spec.signerName")));
        BUILT_IN.put("resource.k8s.io/ResourceSlice", simple(
                l -> "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: " + l,
                NAME, str("spec.nodeName"), str("spec.driver")));
    }

    /** The table for a built-in kind; {@link #DEFAULT} for kinds without their own conversion. */
    public static FieldLabels forKind(String group, String kind) {
        return BUILT_IN.getOrDefault(group + "/" + kind, DEFAULT);
    }

    /**
     * A custom resource's table, mirroring {@code crConverter.ConvertFieldLabel} and
     * {@code customResourceStrategy.selectableFields}: {@code metadata.name}, {@code metadata.namespace} if
     * namespaced, plus the CRD version's {@code selectableFields[].jsonPath} (given with or without the leading
     * dot). Values render as Go's {@code fmt.Sprint} of the JSON value; absent → "".
     */
    public static FieldLabels forCustomResource(boolean namespaced, List<String> selectableFieldJsonPaths) {
        List<Field> fs = new ArrayList<>();
        fs.add(NAME);
        if (namespaced) {
            fs.add(NAMESPACE);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String p : selectableFieldJsonPaths) {
            String name = p.startsWith(".") ? p.substring(1) : p;
            if (seen.add(name) && !name.equals("metadata.name") && !(namespaced && name.equals("metadata.namespace"))) {
                fs.add(str(name));
            }
        }
        return simple(NOT_SUPPORTED, fs.toArray(Field[]::new));
    }

    @Override
    public Result<String> convert(String label) {
        String to = labelToField.get(label);
        if (to == null) {
            return Result.err(ApiStatus.badRequest(unknownLabelError.apply(label)));
        }
        return Result.ok(to);
    }

    /** The fields of {@code ToSelectableFields}, in declaration order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /** Every JSON path this table reads (for {@code ObjectMeta} extraction). */
    public List<String> jsonPaths() {
        Set<String> paths = new LinkedHashSet<>();
        for (Field f : fields.values()) {
            paths.add(f.path());
            if (f.fallback() != null) {
                paths.add(f.fallback());
            }
        }
        return List.copyOf(paths);
    }

    /**
     * The object's field set, given its raw JSON scalar values by path (null = absent or null). Fields outside the
     * set read as "".
     */
    public FieldSource fieldSource(Function<String, String> rawValueByPath) {
        return name -> {
            Field f = fields.get(name);
            if (f == null) {
                return "";
            }
            String v = rawValueByPath.apply(f.path());
            if ((v == null || v.isEmpty()) && f.fallback() != null) {
                v = rawValueByPath.apply(f.fallback());
            }
            return v == null ? f.type().zero : v;
        };
    }
}
