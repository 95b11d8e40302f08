package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ProtoReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watch events of built-in objects in protobuf ({@code application/vnd.kubernetes.protobuf;stream=watch}):
 * each object's stored message in the {@code k8s\0} + Unknown envelope, framed as the apiserver frames
 * it ({@link ProtobufWire#watchFrame}). Bookmarks are the type's empty object with an ObjectMeta carrying
 * only the RV (and the initial-events-end annotation), the rest taken from the bookmark template the
 * upstream's own bookmarks gave ({@link ProtobufFrames#bookmarkTail()}); without a template yet, encoding a
 * bookmark throws {@link IllegalStateException} (the watch is then ended; the client re-watches).
 * A selector exit's previous state gets the event's RV spliced into its ObjectMeta.
 *
 * <p>Stateless apart from the shared frames; thread-safe.
 */
public final class ProtobufWatchEncoder implements WatchEventEncoder {

    private final String apiVersion;
    private final String kind;
    private final ProtobufFrames frames;

    public ProtobufWatchEncoder(String apiVersion, String kind, ProtobufFrames frames) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.frames = frames;
    }

    @Override
    public String contentType() {
        return "application/vnd.kubernetes.protobuf;stream=watch";
    }

    @Override
    public boolean text() {
        return false;
    }

    @Override
    public byte[] encode(WatchSink.Event e) {
        byte[] object;
        if (e.type() == EventType.BOOKMARK) {
            object = bookmark(e.resourceVersion(), e.initialEventsEnd());
        } else {
            CachedObject o = e.object();
            object = o.copyJson();
            if (o.resourceVersion() != e.resourceVersion()) {
                object = withResourceVersion(object, e.resourceVersion());
            }
        }
        return ProtobufWire.watchFrame(e.type().name(), ProtobufWire.envelope(apiVersion, kind, object));
    }

    private byte[] bookmark(long rv, boolean initialEventsEnd) {
        byte[] tail = frames.bookmarkTail();
        if (tail == null) {
            throw new IllegalStateException("no bookmark template for " + kind + " yet");
        }
        byte[] meta = ("{\"resourceVersion\":\"" + Long.toUnsignedString(rv) + "\""
            + (initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}").getBytes(StandardCharsets.UTF_8);
        byte[] objectMeta = ObjectMetaCodec.protobuf(meta, 0, meta.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(objectMeta.length + tail.length + 8);
        out.writeBytes(new ProtoWriter(objectMeta.length + 6).message(1, objectMeta).toByteArray());
        out.writeBytes(tail);
        return out.toByteArray();
    }

    /** {@code object} (a type message whose field 1 is ObjectMeta) with ObjectMeta.resourceVersion (6) set to {@code rv}. */
    static byte[] withResourceVersion(byte[] object, long rv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(object.length + 8);
        ProtoReader top = new ProtoReader(object, 0, object.length);
        int at = 0;
        while (top.next()) {
            int next = top.position();
            if (top.field() == 1 && top.wireType() == 2) {
                byte[] meta = withField6(object, top.start(), top.end(), Long.toUnsignedString(rv));
                out.writeBytes(new ProtoWriter(meta.length + 6).message(1, meta).toByteArray());
            } else {
                out.write(object, at, next - at);
            }
            at = next;
        }
        return out.toByteArray();
    }

    private static byte[] withField6(byte[] b, int start, int end, String rv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start + 8);
        byte[] field6 = new ProtoWriter(rv.length() + 2).string(6, rv).toByteArray();
        boolean written = false;
        ProtoReader m = new ProtoReader(b, start, end);
        int at = start;
        while (m.next()) {
            int next = m.position();
            if (m.field() == 6) {
                out.writeBytes(field6);
                written = true;
            } else {
                if (!written && m.field() > 6) {
                    out.writeBytes(field6);
                    written = true;
                }
                out.write(b, at, next - at);
            }
            at = next;
        }
        if (!written) {
            out.writeBytes(field6);
        }
        return out.toByteArray();
    }
}
