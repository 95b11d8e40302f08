package dev.breakwater.cache.codec;

import dev.breakwater.cache.reflector.WatchFrame;
import dev.breakwater.cache.reflector.FrameDecodeException;
import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ProtoReader;
import dev.breakwater.cache.object.ProtobufExtractor;
import dev.breakwater.cache.reflector.UpstreamListPage;
import dev.breakwater.cache.reflector.UpstreamStatusException;
import dev.breakwater.cache.reflector.WatchHandler;
import dev.breakwater.cache.status.Result;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes what the apiserver sends a protobuf client ({@code application/vnd.kubernetes.protobuf}):
 * LIST bodies and watch frames, each object a {@code k8s\0} + {@code runtime.Unknown} envelope whose
 * {@code raw} is the type's message; objects are kept as that raw message (see
 * {@link ProtobufExtractor}). The counterpart of {@link JsonFrames}, with the same frame types.
 *
 * <p>Bookmarks: besides their RV and initial-events-end annotation, the first one seen gives the
 * type's <em>bookmark template</em> — the empty object's fields other than ObjectMeta, which gogo
 * writes even when zero (an empty Pod carries empty spec and status messages) — so that bookmarks
 * Breakwater writes itself are byte-identical to the apiserver's.
 *
 * <p>Thread-safe (the template is published once, volatile).
 */
public final class ProtobufFrames {

    static final byte[] MAGIC = ProtobufWire.MAGIC;

    private final ProtobufExtractor extractor;
    private volatile byte[] bookmarkTail;

    public ProtobufFrames(ProtobufExtractor extractor) {
        this.extractor = extractor;
    }

    /** The type's empty-object fields after ObjectMeta, from the first upstream bookmark; null until one is seen. */
    public byte[] bookmarkTail() {
        return bookmarkTail;
    }

    /** {@code raw}'s range inside a {@code k8s\0} + Unknown envelope at [start, end), and the envelope's kind. */
    record Unwrapped(int start, int end, String kind) {}

    static Unwrapped unwrap(byte[] b, int start, int end) throws FrameDecodeException {
        if (end - start < 4 || b[start] != MAGIC[0] || b[start + 1] != MAGIC[1] || b[start + 2] != MAGIC[2] || b[start + 3] != 0) {
            throw new FrameDecodeException("not a protobuf object (no k8s\\0 prefix)");
        }
        try {
            ProtoReader u = new ProtoReader(b, start + 4, end);
            int rs = -1;
            int re = -1;
            String kind = "";
            while (u.next()) {
                if (u.wireType() != 2) {
                    continue;
                }
                if (u.field() == 1) {
                    ProtoReader t = new ProtoReader(b, u.start(), u.end());
                    while (t.next()) {
                        if (t.field() == 2 && t.wireType() == 2) {
                            kind = t.string();
                        }
                    }
                } else if (u.field() == 2) {
                    rs = u.start();
                    re = u.end();
                }
            }
            if (rs < 0) {
                // An object whose raw is empty (e.g. a bookmark of a type with no non-pointer fields).
                rs = end;
                re = end;
            }
            return new Unwrapped(rs, re, kind);
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException("malformed protobuf envelope: " + e.getMessage());
        }
    }

    /** Decodes one LIST page held whole in {@code body}. */
    public UpstreamListPage listPage(byte[] body) throws FrameDecodeException {
        Unwrapped list = unwrap(body, 0, body.length);
        long rv = -1;
        String cont = "";
        List<CachedObject> items = new ArrayList<>();
        try {
            ProtoReader l = new ProtoReader(body, list.start(), list.end());
            while (l.next()) {
                if (l.wireType() != 2) {
                    continue;
                }
                if (l.field() == 1) {
                    ProtoReader m = new ProtoReader(body, l.start(), l.end());
                    while (m.next()) {
                        if (m.wireType() == 2 && m.field() == 2) {
                            rv = parseRv(m.string());
                        } else if (m.wireType() == 2 && m.field() == 3) {
                            cont = m.string();
                        }
                    }
                } else if (l.field() == 2) {
                    items.add(extract(body, l.start(), l.end()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException("malformed protobuf LIST response: " + e.getMessage());
        }
        if (rv < 0) {
            throw new FrameDecodeException("LIST response has no metadata.resourceVersion");
        }
        return new UpstreamListPage(rv, cont, items);
    }

    /** Decodes one watch frame's WatchEvent message (without its 4-byte length prefix). */
    public WatchFrame watchFrame(byte[] b, int offset, int length) throws FrameDecodeException {
        String type = null;
        int os = -1;
        int oe = -1;
        try {
            ProtoReader e = new ProtoReader(b, offset, offset + length);
            while (e.next()) {
                if (e.field() == 1 && e.wireType() == 2) {
                    type = e.string();
                } else if (e.field() == 2 && e.wireType() == 2) {
                    ProtoReader raw = new ProtoReader(b, e.start(), e.end());
                    while (raw.next()) {
                        if (raw.field() == 1 && raw.wireType() == 2) {
                            os = raw.start();
                            oe = raw.end();
                        }
                    }
                }
            }
        } catch (IllegalArgumentException ex) {
            throw new FrameDecodeException("malformed protobuf watch frame: " + ex.getMessage());
        }
        if (type == null || os < 0) {
            throw new FrameDecodeException("watch frame without type or object");
        }
        Unwrapped obj = unwrap(b, os, oe);
        return switch (type) {
            case "ADDED" -> new WatchFrame.Event(EventType.ADDED, extract(b, obj.start(), obj.end()));
            case "MODIFIED" -> new WatchFrame.Event(EventType.MODIFIED, extract(b, obj.start(), obj.end()));
            case "DELETED" -> new WatchFrame.Event(EventType.DELETED, extract(b, obj.start(), obj.end()));
            case "BOOKMARK" -> bookmark(b, obj.start(), obj.end());
            case "ERROR" -> new WatchFrame.Error(status(b, obj.start(), obj.end()));
            default -> throw new FrameDecodeException("unknown watch event type \"" + type + "\"");
        };
    }

    private CachedObject extract(byte[] b, int start, int end) throws FrameDecodeException {
        Result<CachedObject> r = extractor.extract(b, start, end - start);
        if (r instanceof Result.Ok<CachedObject> ok) {
            return ok.value();
        }
        throw new FrameDecodeException("undecodable object: " + ((Result.Err<CachedObject>) r).status().message());
    }

    private WatchFrame.Bookmark bookmark(byte[] b, int start, int end) throws FrameDecodeException {
        long rv = -1;
        boolean initialEventsEnd = false;
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        try {
            ProtoReader o = new ProtoReader(b, start, end);
            int at = start;
            while (o.next()) {
                int next = o.position();
                if (o.field() == 1 && o.wireType() == 2) {
                    ProtoReader m = new ProtoReader(b, o.start(), o.end());
                    while (m.next()) {
                        if (m.field() == 6 && m.wireType() == 2) {
                            rv = parseRv(m.string());
                        } else if (m.field() == 12 && m.wireType() == 2) {
                            String[] kv = mapEntry(b, m.start(), m.end());
                            initialEventsEnd |= "k8s.io/initial-events-end".equals(kv[0]) && "true".equals(kv[1]);
                        }
                    }
                } else {
                    tail.write(b, at, next - at);
                }
                at = next;
            }
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException("malformed protobuf bookmark: " + e.getMessage());
        }
        if (rv < 0) {
            throw new FrameDecodeException("bookmark without metadata.resourceVersion");
        }
        if (bookmarkTail == null) {
            bookmarkTail = tail.toByteArray();
        }
        return new WatchFrame.Bookmark(rv, initialEventsEnd);
    }

    private static String[] mapEntry(byte[] b, int start, int end) {
        String[] kv = {"", ""};
        ProtoReader e = new ProtoReader(b, start, end);
        while (e.next()) {
            if (e.wireType() == 2 && (e.field() == 1 || e.field() == 2)) {
                kv[e.field() - 1] = e.string();
            }
        }
        return kv;
    }

    /** A {@code metav1.Status} message: status (2), message (3), reason (4), code (6). */
    static UpstreamStatusException status(byte[] b, int start, int end) throws FrameDecodeException {
        String message = "";
        String reason = "";
        int code = 0;
        try {
            ProtoReader s = new ProtoReader(b, start, end);
            while (s.next()) {
                switch (s.field()) {
                    case 3 -> message = s.wireType() == 2 ? s.string() : message;
                    case 4 -> reason = s.wireType() == 2 ? s.string() : reason;
                    case 6 -> code = s.wireType() == 0 ? (int) s.varint() : code;
                    default -> { }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new FrameDecodeException("malformed protobuf status: " + e.getMessage());
        }
        return new UpstreamStatusException(code, reason, message);
    }

    /** The Status of a non-2xx answer, protobuf or (when the server chose it) JSON. */
    public static UpstreamStatusException statusBody(int httpCode, byte[] body) {
        try {
            Unwrapped u = unwrap(body, 0, body.length);
            UpstreamStatusException s = status(body, u.start(), u.end());
            return s.code() == 0 ? new UpstreamStatusException(httpCode, s.reason(), s.getMessage()) : s;
        } catch (FrameDecodeException e) {
            return JsonFrames.statusBody(httpCode, body);
        }
    }

    private static long parseRv(String s) throws FrameDecodeException {
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new FrameDecodeException("invalid resourceVersion \"" + s + "\"");
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
