package dev.breakwater.cache.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf wire format the way the apiserver's gogo-generated marshallers do for
 * Kubernetes types: fields in ascending field-number order (the caller's order), and
 * non-pointer scalar fields written even when they hold the zero value (proto2, non-nullable),
 * so an empty string is {@code tag 00}. Single-threaded.
 */
final class ProtoWriter {
    private final ByteArrayOutputStream out;

    ProtoWriter() {
        this(64);
    }

    ProtoWriter(int size) {
        out = new ByteArrayOutputStream(size);
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        varint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter bytes(int field, byte[] b, int start, int end) {
        tag(field, 2);
        varint(end - start);
        out.write(b, start, end - start);
        return this;
    }

    /** An embedded message (its bytes already encoded). */
    ProtoWriter message(int field, byte[] msg) {
        return bytes(field, msg);
    }

    /** int64/int32/bool as a varint (negative numbers take ten bytes, as in Go). */
    ProtoWriter int64(int field, long v) {
        tag(field, 0);
        varint(v);
        return this;
    }

    ProtoWriter bool(int field, boolean v) {
        return int64(field, v ? 1 : 0);
    }

    void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** The number of bytes {@link #varint} writes for {@code v}. */
    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
