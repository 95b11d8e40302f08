package dev.breakwater.cache.object;

/**
 * Walks protobuf wire format in place: each field's number, wire type and, for length-delimited
 * fields, the byte range of its value; varints decoded. Nothing is copied. Malformed input
 * (truncated varints or lengths running past the end, wire types 3/4/6/7) throws
 * {@link IllegalArgumentException}.
 *
 * <p>Single-threaded cursor over one message's bytes.
 */
public final class ProtoReader {
    private final byte[] b;
    private int pos;
    private final int end;
    private int field;
    private int wireType;
    private long varint;
    private int valueStart;
    private int valueEnd;

    public ProtoReader(byte[] b, int start, int end) {
        if (start < 0 || end > b.length || start > end) {
            throw new IllegalArgumentException("range out of bounds");
        }
        this.b = b;
        this.pos = start;
        this.end = end;
    }

    /** Advances to the next field; false at the end of the message. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = readVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        switch (wireType) {
            case 0 -> varint = readVarint();
            case 1 -> skip(8);
            case 2 -> {
                long n = readVarint();
                if (n < 0 || n > end - pos) {
                    throw new IllegalArgumentException("length " + n + " runs past the message at " + pos);
                }
                valueStart = pos;
                valueEnd = pos + (int) n;
                pos = valueEnd;
            }
            case 5 -> skip(4);
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType + " at " + pos);
        }
        return true;
    }

    /** The bytes this reader walks (for a reader over a nested message). */
    public byte[] buffer() {
        return b;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    /** The value of a varint field. */
    public long varint() {
        return varint;
    }

    /** Start of a length-delimited value. */
    public int start() {
        return valueStart;
    }

    /** Exclusive end of a length-delimited value. */
    public int end() {
        return valueEnd;
    }

    /** Start of the current field's tag (for splicing), given the caller noted {@link #position()} before {@link #next()}. */
    public int position() {
        return pos;
    }

    public String string() {
        return new String(b, valueStart, valueEnd - valueStart, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void skip(int n) {
        if (n > end - pos) {
            throw new IllegalArgumentException("field runs past the message at " + pos);
        }
        pos += n;
    }

    private long readVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated varint at " + pos);
            }
            byte c = b[pos++];
            v |= (long) (c & 0x7F) << shift;
            if ((c & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint too long at " + pos);
    }
}
