package dev.breakwater.cache.object;

import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link CachedObject}s from the protobuf bytes of a built-in object (the {@code raw} of the
 * apiserver's {@code runtime.Unknown} envelope: the type's own message, whose field 1 is always its
 * {@code ObjectMeta}), reading ObjectMeta's name (1), namespace (3), uid (5), resourceVersion (6)
 * and labels (11) — the protobuf counterpart of {@link ObjectExtractor} — and the kind's selectable
 * fields at their places in the message ({@link ProtobufFieldPaths}: strings as ranges of the payload,
 * raw UTF-8 so never escaped; a bool as {@code true}/{@code false} and an int32 in decimal, the text
 * the JSON path keeps, stored after the index). A field the message does not carry reads as absent,
 * as an omitted JSON field does; the object's payload is kept as received. Walked once per object
 * version, when the object enters the cache. {@link CachedObject#metadataStart()} / {@code End}
 * give the ObjectMeta message's range.
 *
 * <p>Bad input (not protobuf, no ObjectMeta, unparseable resourceVersion) yields a 500
 * {@link ApiStatus} error value; nothing is thrown. A field of the expected number with another
 * wire type reads as absent. Duplicated fields follow protobuf's merge rule (the last scalar wins;
 * nested messages merge). Thread-safe.
 */
public final class ProtobufExtractor {

    private final List<String> paths;
    /** Per path index its place, null for the ObjectMeta paths and for paths not read (metadata-only extractor). */
    private final List<ProtobufFieldPaths.Path> places;
    /** Field-number trie over {@link #places}: top-level field number → node. */
    private final Map<Integer, Node> trie = new HashMap<>();

    private static final class Node {
        final Map<Integer, Node> children = new HashMap<>();
        int target = -1;
        ProtobufFieldPaths.Type type;
    }

    /**
     * An extractor of ObjectMeta only: other paths read as absent (a cache built on it must accept
     * no field selector beyond {@code metadata.name}/{@code metadata.namespace}).
     *
     * @param fieldPaths the field paths of the cache's {@code ObjectExtractor} (for index alignment)
     */
    public ProtobufExtractor(List<String> fieldPaths) {
        this(fieldPaths, java.util.Collections.nCopies(fieldPaths.size(), null));
    }

    private ProtobufExtractor(List<String> fieldPaths, List<ProtobufFieldPaths.Path> places) {
        this.paths = List.copyOf(fieldPaths);
        this.places = places;
        for (int i = 0; i < places.size(); i++) {
            ProtobufFieldPaths.Path p = places.get(i);
            if (p == null) {
                continue;
            }
            Map<Integer, Node> level = trie;
            Node n = null;
            for (int number : p.numbers()) {
                n = level.computeIfAbsent(number, k -> new Node());
                level = n.children;
            }
            if (n.target < 0) {
                n.target = i;
                n.type = p.type();
            }
        }
    }

    /**
     * An extractor that reads every one of {@code fieldPaths} (a kind's {@code FieldLabels.jsonPaths()});
     * empty when one of them has no known protobuf place.
     */
    public static Optional<ProtobufExtractor> forKind(String apiVersion, String kind, List<String> fieldPaths) {
        return ProtobufFieldPaths.of(apiVersion, kind, fieldPaths).map(places -> new ProtobufExtractor(fieldPaths, places));
    }

    public Result<CachedObject> extract(byte[] buf, int offset, int length) {
        ObjectExtractor.Ranges r = new ObjectExtractor.Ranges(paths.size(), buf, offset);
        String rv = "";
        try {
            ProtoReader top = new ProtoReader(buf, offset, offset + length);
            boolean meta = false;
            while (top.next()) {
                if (top.field() == 1 && top.wireType() == 2) {
                    meta = true;
                    r.meta[0] = top.start() - offset;
                    r.meta[1] = top.end() - offset;
                    ProtoReader m = new ProtoReader(buf, top.start(), top.end());
                    while (m.next()) {
                        if (m.wireType() != 2) {
                            continue;
                        }
                        switch (m.field()) {
                            case 1 -> set(r.name, m, offset);
                            case 3 -> set(r.ns, m, offset);
                            case 5 -> set(r.uid, m, offset);
                            case 6 -> rv = m.string();
                            case 11 -> {
                                int[] kv = {-1, -1, -1, -1};
                                ProtoReader e = new ProtoReader(buf, m.start(), m.end());
                                while (e.next()) {
                                    if (e.wireType() == 2 && (e.field() == 1 || e.field() == 2)) {
                                        int at = e.field() == 1 ? 0 : 2;
                                        kv[at] = e.start() - offset;
                                        kv[at + 1] = e.end() - offset;
                                    }
                                }
                                if (kv[2] < 0) { // an empty value is written as 12 00; absent means ""
                                    kv[2] = kv[1];
                                    kv[3] = kv[1];
                                }
                                r.labels.add(kv);
                            }
                            default -> { }
                        }
                    }
                    if (trie.isEmpty()) {
                        break; // nothing to read past ObjectMeta
                    }
                } else {
                    Node n = trie.get(top.field());
                    if (n != null) {
                        read(n, top, r, offset);
                    }
                }
            }
            if (!meta) {
                return Result.err(ApiStatus.internalError("unable to decode object: protobuf object without metadata"));
            }
        } catch (IllegalArgumentException e) {
            return Result.err(ApiStatus.internalError("unable to decode object: " + e.getMessage()));
        }
        long resourceVersion;
        try {
            resourceVersion = rv.isEmpty() ? 0 : Long.parseUnsignedLong(rv);
        } catch (NumberFormatException e) {
            return Result.err(ApiStatus.internalError("unable to decode object: invalid resourceVersion \"" + rv + "\""));
        }
        for (int i = 0; i < paths.size(); i++) {
            switch (paths.get(i)) {
                case "metadata.name" -> r.fieldFromSlot(i, r.name);
                case "metadata.namespace" -> r.fieldFromSlot(i, r.ns);
                default -> { }
            }
        }
        return Result.ok(r.build(buf, offset, length, resourceVersion));
    }

    /** The field {@code f} is on, at trie node {@code n}: its value if a target, its fields if a message on the way. */
    private static void read(Node n, ProtoReader f, ObjectExtractor.Ranges r, int offset) {
        if (n.target >= 0) {
            switch (n.type) {
                case STRING -> {
                    if (f.wireType() == 2) {
                        r.fields[n.target][0] = f.start() - offset;
                        r.fields[n.target][1] = f.end() - offset;
                    }
                }
                case BOOL -> {
                    if (f.wireType() == 0) {
                        r.literal(n.target, f.varint() != 0 ? "true" : "false");
                    }
                }
                case INT32 -> {
                    if (f.wireType() == 0) {
                        r.literal(n.target, Integer.toString((int) f.varint()));
                    }
                }
            }
        }
        if (!n.children.isEmpty() && f.wireType() == 2) {
            ProtoReader m = new ProtoReader(f.buffer(), f.start(), f.end());
            while (m.next()) {
                Node c = n.children.get(m.field());
                if (c != null) {
                    read(c, m, r, offset);
                }
            }
        }
    }

    private static void set(int[] slot, ProtoReader m, int offset) {
        slot[0] = m.start() - offset;
        slot[1] = m.end() - offset;
    }
}
