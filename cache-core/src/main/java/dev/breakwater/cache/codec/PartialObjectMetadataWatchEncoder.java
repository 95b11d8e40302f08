package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watch events whose objects are PartialObjectMetadata ({@code as=PartialObjectMetadata}), as
 * the apiserver writes them: JSON lines {@code {"type":…,"object":{"kind":"PartialObjectMetadata",…}}},
 * or protobuf frames (4-byte big-endian length, then
 * {@code WatchEvent{type, object: RawExtension{raw: k8s\0 + Unknown{PartialObjectMetadata}}}}).
 * Bookmarks are PartialObjectMetadata carrying only the resourceVersion (and the
 * initial-events-end annotation). A selector exit, whose previous state carries the event's RV,
 * is the one event derived per request; every other object's bytes come from the codec's memo.
 * Stateless apart from the shared codec; thread-safe.
 */
public final class PartialObjectMetadataWatchEncoder implements WatchEventEncoder {

    private final PartialObjectMetadataCodec codec;
    private final String apiVersion;
    private final boolean protobuf;
    private final boolean unstructured;

    public PartialObjectMetadataWatchEncoder(PartialObjectMetadataCodec codec, String apiVersion, boolean protobuf, boolean unstructured) {
        this.codec = codec;
        this.apiVersion = apiVersion;
        this.protobuf = protobuf;
        this.unstructured = unstructured;
    }

    @Override
    public String contentType() {
        return protobuf ? "application/vnd.kubernetes.protobuf;stream=watch" : "application/json";
    }

    @Override
    public boolean text() {
        return !protobuf;
    }

    @Override
    public byte[] encode(WatchSink.Event e) {
        return protobuf ? protobuf(e) : json(e);
    }

    private byte[] json(WatchSink.Event e) {
        byte[] meta;
        if (e.type() == EventType.BOOKMARK) {
            meta = bookmarkMetadata(e).getBytes(StandardCharsets.UTF_8);
        } else if (e.object().resourceVersion() != e.resourceVersion()) {
            meta = rewritten(e, false);
        } else {
            meta = codec.metadataJson(e.object());
        }
        byte[] object = PartialObjectMetadataCodec.json(apiVersion, meta);
        ByteArrayOutputStream out = new ByteArrayOutputStream(object.length + 32);
        out.writeBytes(("{\"type\":\"" + e.type().name() + "\",\"object\":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(object);
        out.writeBytes(new byte[] {'}', '\n'});
        return out.toByteArray();
    }

    private byte[] protobuf(WatchSink.Event e) {
        byte[] message;
        if (e.type() == EventType.BOOKMARK) {
            byte[] meta = bookmarkMetadata(e).getBytes(StandardCharsets.UTF_8);
            message = PartialObjectMetadataCodec.protoMessage(ObjectMetaCodec.protobuf(meta, 0, meta.length));
        } else if (e.object().resourceVersion() != e.resourceVersion()) {
            message = PartialObjectMetadataCodec.protoMessage(rewritten(e, true));
        } else {
            message = codec.protoMessage(e.object());
        }
        return ProtobufWire.watchFrame(e.type().name(),
            ProtobufWire.envelope(apiVersion, PartialObjectMetadataCodec.KIND, message));
    }

    /** Typed ObjectMeta of a bookmark: only the RV, and the annotation ending the initial events. */
    private static String bookmarkMetadata(WatchSink.Event e) {
        return "{\"resourceVersion\":\"" + Long.toUnsignedString(e.resourceVersion()) + "\""
            + (e.initialEventsEnd() ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}";
    }

    /** The metadata of a previous state re-labelled with the event's RV (JSON or ObjectMeta protobuf). */
    private byte[] rewritten(WatchSink.Event e, boolean proto) {
        CachedObject o = e.object();
        byte[] json = JsonWatchEncoder.withResourceVersion(o.copyJson(), e.resourceVersion());
        int[] meta = JsonScan.member(json, 0, "metadata");
        if (meta == null) {
            throw new IllegalArgumentException("object without metadata");
        }
        if (proto) {
            return ObjectMetaCodec.protobuf(json, meta[0], meta[1]);
        }
        return unstructured ? ObjectMetaCodec.typedJson(json, meta[0], meta[1])
            : java.util.Arrays.copyOfRange(json, meta[0], meta[1]);
    }
}
