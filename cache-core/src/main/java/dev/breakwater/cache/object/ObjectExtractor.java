package dev.breakwater.cache.object;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link CachedObject}s from raw JSON in one streaming Jackson pass (no tree): {@code metadata.name},
 * {@code namespace}, {@code uid}, {@code resourceVersion} (uint64), {@code labels}, the byte range of the
 * {@code metadata} value, and the values of the configured field paths (dotted, e.g. {@code spec.nodeName},
 * {@code involvedObject.name}); subtrees nobody asked for are skipped without materializing them. This is the
 * byte-level counterpart of the cacher's {@code GetAttrs} ({@code storage.AttrFunc}) plus
 * {@code meta.Accessor}.
 *
 * <p>Bad input (not JSON, not an object, trailing data, non-string label values, unparseable resourceVersion)
 * yields a 500 {@link ApiStatus} error value; nothing is thrown.
 *
 * <p>Thread-safe and reusable: create one per resource type (the path trie is built once) and call
 * {@link #extract} from any thread.
 */
public final class ObjectExtractor {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10_000).build())
            .build();

    /** Trie over dotted paths; {@code target >= 0} marks a requested field path. */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        int target = -1;
    }

    private static final int T_META = -2;

    private final List<String> paths;
    private final Node root = new Node();

    /** @param fieldPaths the dotted JSON paths whose scalar values {@link CachedObject#field(int)} returns, in order */
    public ObjectExtractor(List<String> fieldPaths) {
        this.paths = List.copyOf(fieldPaths);
        for (int i = 0; i < paths.size(); i++) {
            Node n = root;
            for (String part : paths.get(i).split("\\.", -1)) {
                n = n.children.computeIfAbsent(part, k -> new Node());
            }
            if (n.target < 0) {
                n.target = i;
            }
        }
        root.children.computeIfAbsent("metadata", k -> new Node());
    }

    /** The configured field paths; {@link CachedObject#field(int)} index = position here. */
    public List<String> fieldPaths() {
        return paths;
    }

    /** The index of {@code path} for {@link CachedObject#field(int)}, or -1. */
    public int indexOf(String path) {
        return paths.indexOf(path);
    }

    /** Parses {@code json} (not retained; copied into the cached object). */
    public Result<CachedObject> extract(byte[] json) {
        return extract(json, 0, json.length);
    }

    /** Parses {@code json[offset, offset+length)} (not retained). */
    public Result<CachedObject> extract(byte[] json, int offset, int length) {
        Ranges r = new Ranges(paths.size(), json, offset);
        try (JsonParser p = FACTORY.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Result.err(ApiStatus.internalError("unable to decode object: JSON value is not an object"));
            }
            walkObject(p, root, r, 0, true); // Jackson reports offsets relative to the slice start
            if (p.nextToken() != null) {
                return Result.err(ApiStatus.internalError("unable to decode object: unexpected data after the JSON object"));
            }
        } catch (IOException | RuntimeException e) {
            return Result.err(ApiStatus.internalError("unable to decode object: " + e.getMessage()));
        }
        long rv = 0;
        if (r.rv != null) {
            try {
                rv = Long.parseUnsignedLong(r.rv);
            } catch (NumberFormatException e) {
                return Result.err(ApiStatus.internalError("invalid resource version \"" + r.rv + "\""));
            }
        }
        return Result.ok(r.build(json, offset, length, rv));
    }

    private void walkObject(JsonParser p, Node node, Ranges r, int base, boolean top) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Node child = node.children.get(name);
            JsonToken t = p.nextToken();
            if (child == null) {
                p.skipChildren();
                continue;
            }
            if (top && name.equals("metadata")) {
                if (t == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getByteOffset() - base;
                    walkMetadata(p, child, r, base);
                    r.meta[0] = start;
                    r.meta[1] = (int) p.currentLocation().getByteOffset() - base;
                } else {
                    p.skipChildren();
                }
                continue;
            }
            if (child.target >= 0) {
                r.field(child.target, p, base);
            }
            if (t == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                walkObject(p, child, r, base, false);
            } else {
                p.skipChildren();
            }
        }
    }

    private void walkMetadata(JsonParser p, Node node, Ranges r, int base) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "name" -> r.string(r.name, p, t, base);
                case "namespace" -> r.string(r.ns, p, t, base);
                case "uid" -> r.string(r.uid, p, t, base);
                case "resourceVersion" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        r.rv = p.getText();
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new IOException("metadata.resourceVersion is not a string");
                    }
                }
                case "labels" -> {
                    if (t == JsonToken.START_OBJECT) {
                        r.labels.clear();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            int[] k = r.nameRange(p, base);
                            JsonToken vt = p.nextToken();
                            if (vt != JsonToken.VALUE_STRING) {
                                throw new IOException("label " + p.currentName() + " is not a string");
                            }
                            int[] v = new int[2];
                            r.string(v, p, vt, base);
                            r.labels.add(new int[] {k[0], k[1], v[0], v[1]});
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new IOException("metadata.labels is not an object");
                    }
                }
                default -> {
                    Node child = node.children.get(name);
                    if (child != null && child.target >= 0) {
                        r.field(child.target, p, base);
                    }
                    if (child != null && t == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                        walkObject(p, child, r, base, false);
                    } else {
                        p.skipChildren();
                    }
                }
            }
            // metadata.name etc. can also be requested as field paths
            Node child = node.children.get(name);
            if (child != null && child.target >= 0 && (name.equals("name") || name.equals("namespace") || name.equals("uid"))) {
                r.fieldFromSlot(child.target, name.equals("name") ? r.name : name.equals("namespace") ? r.ns : r.uid);
            }
        }
    }

    /**
     * Ranges collected during the pass. A range is {start, end} with start = -1 for absent, and start encoded as
     * {@code -(start + 2)} when the string has escapes.
     */
    static final class Ranges {
        final int[] meta = {-1, -1};
        final int[] ns = {-1, -1};
        final int[] name = {-1, -1};
        final int[] uid = {-1, -1};
        final List<int[]> labels = new ArrayList<>(4);
        final int[][] fields;
        String[] literals;
        String rv;
        final byte[] src;
        final int srcOffset;

        Ranges(int n, byte[] src, int srcOffset) {
            this.src = src;
            this.srcOffset = srcOffset;
            fields = new int[n][];
            for (int i = 0; i < n; i++) {
                fields[i] = new int[] {-1, -1};
            }
        }

        void fieldFromSlot(int i, int[] slot) {
            fields[i][0] = slot[0];
            fields[i][1] = slot[1];
        }

        /** Records a string's content range (quotes excluded). */
        void string(int[] out, JsonParser p, JsonToken t, int base) throws IOException {
            if (t == JsonToken.VALUE_NULL) {
                out[0] = -1;
                out[1] = -1;
                return;
            }
            if (t != JsonToken.VALUE_STRING) {
                throw new IOException("expected a string at " + p.currentName());
            }
            scanString(out, (int) p.currentTokenLocation().getByteOffset() - base);
        }

        /** The content range of the field name the parser is on. */
        int[] nameRange(JsonParser p, int base) throws IOException {
            int[] out = new int[2];
            scanString(out, (int) p.currentTokenLocation().getByteOffset() - base);
            return out;
        }

        /** {@code open} is the offset (relative to the object) of a string's opening quote. */
        void scanString(int[] out, int open) throws IOException {
            if (src[srcOffset + open] != '"') {
                throw new IOException("internal: no string at offset " + open);
            }
            boolean escaped = false;
            int i = open + 1;
            while (true) {
                byte c = src[srcOffset + i];
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    escaped = true;
                    i++;
                }
                i++;
            }
            setString(out, open + 1, i, escaped);
        }

        void field(int i, JsonParser p, int base) throws IOException {
            JsonToken t = p.currentToken();
            switch (t) {
                case VALUE_STRING -> string(fields[i], p, t, base);
                case VALUE_TRUE, VALUE_FALSE, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    fields[i][0] = (int) p.currentTokenLocation().getByteOffset() - base;
                    fields[i][1] = (int) p.currentLocation().getByteOffset() - base;
                }
                default -> {
                    fields[i][0] = -1;
                    fields[i][1] = -1;
                }
            }
        }

        static void setString(int[] out, int start, int end, boolean escaped) {
            out[0] = escaped ? -(start + 2) : start;
            out[1] = end;
        }

        /** A field's value given as text (ASCII) rather than as a range of the payload: kept after the index. */
        void literal(int i, String ascii) {
            if (literals == null) {
                literals = new String[fields.length];
            }
            literals[i] = ascii;
        }

        CachedObject build(byte[] src, int offset, int length, long rv) {
            int entries = 8 + 1 + 4 * labels.size() + 1 + 2 * fields.length;
            int pool = 0;
            if (literals != null) {
                for (String l : literals) {
                    pool += l == null ? 0 : l.length();
                }
            }
            int w = CachedObject.width(length + entries * 2 + pool) == 2 ? 2 : 4;
            byte[] data = new byte[length + entries * w + pool];
            System.arraycopy(src, offset, data, 0, length);
            if (literals != null) {
                int p = length + entries * w;
                for (int i = 0; i < literals.length; i++) {
                    if (literals[i] != null) {
                        for (int c = 0; c < literals[i].length(); c++) {
                            data[p + c] = (byte) literals[i].charAt(c);
                        }
                        fields[i][0] = p;
                        fields[i][1] = p + literals[i].length();
                        p += literals[i].length();
                    }
                }
            }
            int[] at = {length};
            putRange(data, at, w, meta);
            putRange(data, at, w, ns);
            putRange(data, at, w, name);
            putRange(data, at, w, uid);
            put(data, at, w, labels.size());
            for (int[] l : labels) {
                putRange(data, at, w, new int[] {l[0], l[1]});
                putRange(data, at, w, new int[] {l[2], l[3]});
            }
            put(data, at, w, fields.length);
            for (int[] f : fields) {
                putRange(data, at, w, f);
            }
            return new CachedObject(data, length, rv);
        }

        private static void putRange(byte[] data, int[] at, int w, int[] r) {
            int a;
            if (r[0] == -1) {
                a = 0;
            } else if (r[0] < -1) {
                a = (-r[0] - 2 + 1) | CachedObject.escFlag(w);
            } else {
                a = r[0] + 1;
            }
            put(data, at, w, a);
            put(data, at, w, r[0] == -1 ? 0 : r[1]);
        }

        private static void put(byte[] data, int[] at, int w, int v) {
            int i = at[0];
            if (w == 2) {
                data[i] = (byte) (v >>> 8);
                data[i + 1] = (byte) v;
            } else {
                data[i] = (byte) (v >>> 24);
                data[i + 1] = (byte) (v >>> 16);
                data[i + 2] = (byte) (v >>> 8);
                data[i + 3] = (byte) v;
            }
            at[0] = i + w;
        }
    }
}
