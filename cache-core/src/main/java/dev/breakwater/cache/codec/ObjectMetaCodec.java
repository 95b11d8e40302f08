package dev.breakwater.cache.codec;

import dev.breakwater.cache.golang.GoJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An object's {@code metadata} JSON, re-encoded as the apiserver encodes a typed
 * {@code metav1.ObjectMeta}: in JSON with Go's struct field order and {@code omitempty}
 * rules (for custom resources, whose stored metadata has the sorted keys of an unstructured
 * map), and in protobuf ({@code k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta}, as gogo
 * marshals it: every non-pointer field written, zero or not; maps in key order; times as
 * {@code Timestamp{seconds, nanos=0}}, an unset time as an empty message).
 *
 * <p>Values are copied verbatim where the encodings agree (JSON strings keep the apiserver's
 * escaping; {@code fieldsV1} is the raw JSON it carries in protobuf too), decoded only for
 * protobuf. Metadata that is not well-formed JSON throws {@link IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ObjectMetaCodec {
    private ObjectMetaCodec() {}

    private static final String[] META_ORDER = {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
        "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
        "ownerReferences", "finalizers", "managedFields"};
    private static final String[] OWNER_ORDER = {"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"};
    /** OwnerReference fields without omitempty. */
    private static final List<String> OWNER_REQUIRED = List.of("apiVersion", "kind", "name", "uid");
    private static final String[] MANAGED_ORDER = {"manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1",
        "subresource"};

    /** Member name → value range, for one JSON object. */
    private static Map<String, int[]> members(byte[] b, int start) {
        Map<String, int[]> m = new HashMap<>();
        JsonScan.members(b, start, (ks, ke, vs, ve) -> m.put(new String(b, ks, ke - ks, StandardCharsets.UTF_8), new int[] {vs, ve}));
        return m;
    }

    /** Pointer fields: omitempty drops only nil (a false or 0 behind a pointer is written). */
    private static final java.util.Set<String> POINTERS = java.util.Set.of("deletionTimestamp", "deletionGracePeriodSeconds",
        "controller", "blockOwnerDeletion", "time", "fieldsV1");

    /** Whether Go's omitempty drops field {@code k} with this value: nil, or for non-pointers "", 0, false, {} or []. */
    private static boolean empty(String k, byte[] b, int[] r) {
        int len = r[1] - r[0];
        if (JsonScan.isNull(b, r[0], r[1])) {
            return true;
        }
        if (POINTERS.contains(k)) {
            return false;
        }
        if (len == 2 && (b[r[0]] == '"' || b[r[0]] == '{' || b[r[0]] == '[')) {
            return true;
        }
        if (len == 1 && b[r[0]] == '0') {
            return true;
        }
        return len == 5 && b[r[0]] == 'f';
    }

    // ---- JSON ----

    /** The metadata object at {@code [start, end)} of {@code b} in typed ObjectMeta JSON (compact). */
    public static byte[] typedJson(byte[] b, int start, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
        Map<String, int[]> m = members(b, start);
        out.write('{');
        boolean first = true;
        for (String k : META_ORDER) {
            int[] r = m.get(k);
            if (r == null || empty(k, b, r)) {
                continue;
            }
            first = key(out, k, first);
            switch (k) {
                case "ownerReferences" -> array(out, b, r, OWNER_ORDER, OWNER_REQUIRED);
                case "managedFields" -> array(out, b, r, MANAGED_ORDER, List.of());
                default -> out.write(b, r[0], r[1] - r[0]);
            }
        }
        out.write('}');
        return out.toByteArray();
    }

    private static boolean key(ByteArrayOutputStream out, String k, boolean first) {
        if (!first) {
            out.write(',');
        }
        out.write('"');
        out.writeBytes(k.getBytes(StandardCharsets.US_ASCII));
        out.write('"');
        out.write(':');
        return false;
    }

    private static void array(ByteArrayOutputStream out, byte[] b, int[] r, String[] order, List<String> required) {
        out.write('[');
        boolean[] first = {true};
        JsonScan.elements(b, r[0], (s, e) -> {
            if (!first[0]) {
                out.write(',');
            }
            first[0] = false;
            Map<String, int[]> m = members(b, s);
            out.write('{');
            boolean f = true;
            for (String k : order) {
                int[] v = m.get(k);
                if (v == null || empty(k, b, v)) {
                    if (required.contains(k)) {
                        f = key(out, k, f);
                        out.writeBytes(v == null || JsonScan.isNull(b, v[0], v[1]) ? "\"\"".getBytes(StandardCharsets.US_ASCII)
                            : Arrays.copyOfRange(b, v[0], v[1]));
                    }
                    continue;
                }
                f = key(out, k, f);
                out.write(b, v[0], v[1] - v[0]);
            }
            out.write('}');
        });
        out.write(']');
    }

    // ---- protobuf ----

    /** The metadata object at {@code [start, end)} of {@code b} as an ObjectMeta protobuf message. */
    public static byte[] protobuf(byte[] b, int start, int end) {
        Map<String, int[]> m = members(b, start);
        ProtoWriter w = new ProtoWriter(end - start);
        w.string(1, string(b, m.get("name")));
        w.string(2, string(b, m.get("generateName")));
        w.string(3, string(b, m.get("namespace")));
        w.string(4, string(b, m.get("selfLink")));
        w.string(5, string(b, m.get("uid")));
        w.string(6, string(b, m.get("resourceVersion")));
        w.int64(7, number(b, m.get("generation")));
        w.message(8, time(b, m.get("creationTimestamp")));
        int[] dt = m.get("deletionTimestamp");
        if (present(b, dt)) {
            w.message(9, time(b, dt));
        }
        int[] grace = m.get("deletionGracePeriodSeconds");
        if (present(b, grace)) {
            w.int64(10, number(b, grace));
        }
        stringMap(w, 11, b, m.get("labels"));
        stringMap(w, 12, b, m.get("annotations"));
        int[] owners = m.get("ownerReferences");
        if (present(b, owners)) {
            JsonScan.elements(b, owners[0], (s, e) -> w.message(13, ownerReference(b, s)));
        }
        int[] finalizers = m.get("finalizers");
        if (present(b, finalizers)) {
            JsonScan.elements(b, finalizers[0], (s, e) -> w.string(14, string(b, new int[] {s, e})));
        }
        int[] managed = m.get("managedFields");
        if (present(b, managed)) {
            JsonScan.elements(b, managed[0], (s, e) -> w.message(17, managedFieldsEntry(b, s)));
        }
        return w.toByteArray();
    }

    private static byte[] ownerReference(byte[] b, int start) {
        Map<String, int[]> m = members(b, start);
        ProtoWriter w = new ProtoWriter();
        w.string(1, string(b, m.get("kind")));
        w.string(3, string(b, m.get("name")));
        w.string(4, string(b, m.get("uid")));
        w.string(5, string(b, m.get("apiVersion")));
        int[] controller = m.get("controller");
        if (present(b, controller)) {
            w.bool(6, b[controller[0]] == 't');
        }
        int[] block = m.get("blockOwnerDeletion");
        if (present(b, block)) {
            w.bool(7, b[block[0]] == 't');
        }
        return w.toByteArray();
    }

    private static byte[] managedFieldsEntry(byte[] b, int start) {
        Map<String, int[]> m = members(b, start);
        ProtoWriter w = new ProtoWriter();
        w.string(1, string(b, m.get("manager")));
        w.string(2, string(b, m.get("operation")));
        w.string(3, string(b, m.get("apiVersion")));
        int[] t = m.get("time");
        if (present(b, t)) {
            w.message(4, time(b, t));
        }
        w.string(6, string(b, m.get("fieldsType")));
        int[] f = m.get("fieldsV1");
        if (present(b, f)) {
            // FieldsV1{Raw}: the JSON it marshals to is Raw verbatim.
            w.message(7, new ProtoWriter(f[1] - f[0] + 4).bytes(1, b, f[0], f[1]).toByteArray());
        }
        w.string(8, string(b, m.get("subresource")));
        return w.toByteArray();
    }

    /** A map&lt;string,string&gt; field: one entry message per key, keys in Go's (byte) order. */
    private static void stringMap(ProtoWriter w, int field, byte[] b, int[] r) {
        if (!present(b, r)) {
            return;
        }
        List<byte[][]> entries = new ArrayList<>();
        JsonScan.members(b, r[0], (ks, ke, vs, ve) -> entries.add(new byte[][] {
            utf8(b, ks - 1, ke + 1), utf8(b, vs, ve)}));
        entries.sort((x, y) -> Arrays.compareUnsigned(x[0], y[0]));
        for (byte[][] e : entries) {
            w.message(field, new ProtoWriter(e[0].length + e[1].length + 4).bytes(1, e[0]).bytes(2, e[1]).toByteArray());
        }
    }

    private static boolean present(byte[] b, int[] r) {
        return r != null && !JsonScan.isNull(b, r[0], r[1]);
    }

    /** A JSON string value (with its quotes) → its UTF-8 bytes; null/absent → empty. */
    private static byte[] utf8(byte[] b, int start, int end) {
        if (JsonScan.isNull(b, start, end)) {
            return new byte[0];
        }
        if (b[start] != '"') {
            throw new IllegalArgumentException("string expected");
        }
        for (int i = start + 1; i < end - 1; i++) {
            if (b[i] == '\\') {
                return GoJson.unquote(b, start + 1, end - 1).getBytes(StandardCharsets.UTF_8);
            }
        }
        return Arrays.copyOfRange(b, start + 1, end - 1);
    }

    private static String string(byte[] b, int[] r) {
        return r == null ? "" : new String(utf8(b, r[0], r[1]), StandardCharsets.UTF_8);
    }

    private static long number(byte[] b, int[] r) {
        if (!present(b, r)) {
            return 0;
        }
        return Long.parseLong(new String(b, r[0], r[1] - r[0], StandardCharsets.US_ASCII));
    }

    /** metav1.Time: unset → empty message; else Timestamp{seconds, nanos: 0} (nanos always written). */
    private static byte[] time(byte[] b, int[] r) {
        if (!present(b, r)) {
            return new byte[0];
        }
        String s = string(b, r);
        long seconds = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toEpochSecond();
        return new ProtoWriter(16).int64(1, seconds).int64(2, 0).toByteArray();
    }
}
