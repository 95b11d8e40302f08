package dev.breakwater.cache.codec;

import java.io.ByteArrayOutputStream;

/**
 * The apiserver's protobuf framing, shared by every protobuf representation: an object or list is
 * {@code k8s\0} followed by {@code runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding: "",
 * contentType: ""}}; a watch frame is a 4-byte big-endian length followed by
 * {@code WatchEvent{type, object: RawExtension{raw: <that envelope>}}} (verified on 1.36.3).
 * Stateless.
 */
public final class ProtobufWire {
    private ProtobufWire() {}

    static final byte[] MAGIC = {'k', '8', 's', 0};

    /** runtime.Unknown's last fields: contentEncoding "" and contentType "". */
    static final byte[] UNKNOWN_TAIL = {0x1a, 0x00, 0x22, 0x00};

    /** {@code k8s\0} + Unknown around {@code raw}. */
    public static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
        out.writeBytes(MAGIC);
        out.writeBytes(unknownHead(apiVersion, kind, raw.length));
        out.writeBytes(raw);
        out.writeBytes(UNKNOWN_TAIL);
        return out.toByteArray();
    }

    /** runtime.Unknown up to (and including) the length prefix of {@code raw}. */
    static byte[] unknownHead(String apiVersion, String kind, long rawLength) {
        byte[] typeMeta = new ProtoWriter().string(1, apiVersion).string(2, kind).toByteArray();
        ProtoWriter w = new ProtoWriter(typeMeta.length + 16).message(1, typeMeta);
        w.tag(2, 2);
        w.varint(rawLength);
        return w.toByteArray();
    }

    /** One watch frame: length prefix + WatchEvent{type, RawExtension{envelope}}. */
    static byte[] watchFrame(String type, byte[] envelope) {
        byte[] rawExtension = new ProtoWriter(envelope.length + 8).bytes(1, envelope).toByteArray();
        byte[] event = new ProtoWriter(rawExtension.length + 24).string(1, type).message(2, rawExtension).toByteArray();
        byte[] frame = new byte[event.length + 4];
        frame[0] = (byte) (event.length >>> 24);
        frame[1] = (byte) (event.length >>> 16);
        frame[2] = (byte) (event.length >>> 8);
        frame[3] = (byte) event.length;
        System.arraycopy(event, 0, frame, 4, event.length);
        return frame;
    }
}
