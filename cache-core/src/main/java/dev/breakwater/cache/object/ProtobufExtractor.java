package dev.breakwater.cache.object;

import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.List;

/**
 * Builds {@link CachedObject}s from the protobuf bytes of a built-in object (the {@code raw} of the
 * apiserver's {@code runtime.Unknown} envelope: the type's own message, whose field 1 is always its
 * {@code ObjectMeta}), reading only ObjectMeta: name (1), namespace (3), uid (5),
 * resourceVersion (6) and labels (11) — the protobuf counterpart of {@link ObjectExtractor}. The
 * object's payload is kept as received; the index points into it (protobuf strings are raw UTF-8,
 * so no slot is ever escaped).
 *
 * <p>Field paths: only {@code metadata.name} and {@code metadata.namespace} are indexed; other
 * paths read as absent, so a cache built on this extractor must accept no field selector beyond
 * those two (its {@code FieldLabels} are those of a custom resource), and everything else goes
 * upstream. {@link CachedObject#metadataStart()} / {@code End} give the ObjectMeta message's range.
 *
 * <p>Bad input (not protobuf, no ObjectMeta, unparseable resourceVersion) yields a 500
 * {@link ApiStatus} error value; nothing is thrown. Thread-safe.
 */
public final class ProtobufExtractor {

    private final List<String> paths;

    /** @param fieldPaths the field paths of the cache's {@code ObjectExtractor} (for index alignment) */
    public ProtobufExtractor(List<String> fieldPaths) {
        this.paths = List.copyOf(fieldPaths);
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
                    break;
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

    private static void set(int[] slot, ProtoReader m, int offset) {
        slot[0] = m.start() - offset;
        slot[1] = m.end() - offset;
    }
}
