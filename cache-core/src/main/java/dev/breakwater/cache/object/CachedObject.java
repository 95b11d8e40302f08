package dev.breakwater.cache.object;

import dev.breakwater.cache.golang.GoJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cached object: its JSON bytes exactly as received, and the values extracted by {@link ObjectExtractor}
 * (the cache's counterpart of {@code storeElement} in {@code k8s.io/apiserver/pkg/storage/cacher/store.go},
 * which keeps the object with its key, labels and fields).
 *
 * <h2>Layout (memory)</h2>
 * Everything lives in one {@code byte[] data}: {@code data[0, jsonLength)} is the JSON, followed by an index of
 * fixed-width unsigned entries (2 bytes each when the whole {@code data} is under 32767 bytes, else 4 bytes,
 * big-endian), then, for values that are not text in the payload (a protobuf payload's booleans and integers),
 * their text ({@code true}, {@code 3}), which field ranges point into:
 * <pre>
 *   META.start META.end  NS.start NS.end  NAME.start NAME.end  UID.start UID.end
 *   labelCount  (key.start key.end value.start value.end) * labelCount
 *   fieldCount  (field.start field.end) * fieldCount
 * </pre>
 * A {@code start} entry holds {@code offset + 1} (0 = absent/null) with the top bit set when the JSON string
 * contains escapes (then it is decoded on access); {@code end} is exclusive. String ranges exclude the quotes;
 * booleans and numbers are stored as their literal text ({@code true}, {@code false}, {@code 3}), which is what
 * Go's {@code strconv.FormatBool}/{@code Itoa} print. So besides the JSON itself an object costs one object header
 * with {@code data}, {@code jsonLength} and {@code resourceVersion} (~32 bytes), one array header (16 bytes) and
 * {@code 2 × (10 + 4·labels + 2·fields)} index bytes: a 400-byte ConfigMap with 2 labels and no fields needs
 * ~84 bytes (1.21×); a 4 KB Pod with 5 labels and 10 fields ~120 bytes (1.03×). Strings are decoded on demand;
 * label lookups compare bytes in place without allocating.
 *
 * <h2>Ownership and threading</h2>
 * Immutable after construction and safe to share between threads. The bytes are never exposed mutable:
 * {@link #writeJsonTo}, {@link #jsonBuffer()} (read-only view) and {@link #copyJson()}.
 */
public final class CachedObject {
    static final int SLOT_META = 0;
    static final int SLOT_NS = 2;
    static final int SLOT_NAME = 4;
    static final int SLOT_UID = 6;
    static final int LABEL_COUNT = 8;

    private final byte[] data;
    private final int jsonLength;
    private final long resourceVersion;

    CachedObject(byte[] data, int jsonLength, long resourceVersion) {
        this.data = data;
        this.jsonLength = jsonLength;
        this.resourceVersion = resourceVersion;
    }

    /** The index's entry width for an object whose {@code data} is {@code dataLength} bytes: every offset fits. */
    static int width(int dataLength) {
        return dataLength < 0x7FFF ? 2 : 4;
    }

    static int escFlag(int width) {
        return width == 2 ? 0x8000 : 0x80000000;
    }

    private int entry(int i) {
        int w = width(data.length);
        int at = jsonLength + i * w;
        if (w == 2) {
            return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
        }
        return (data[at] & 0xFF) << 24 | (data[at + 1] & 0xFF) << 16 | (data[at + 2] & 0xFF) << 8 | (data[at + 3] & 0xFF);
    }

    /** The object's resourceVersion ({@code metadata.resourceVersion} parsed as uint64). */
    public long resourceVersion() {
        return resourceVersion;
    }

    /** {@code metadata.namespace}, "" for cluster-scoped objects. */
    public String namespace() {
        String s = slotString(SLOT_NS);
        return s == null ? "" : s;
    }

    /** {@code metadata.name}, "" if absent. */
    public String name() {
        String s = slotString(SLOT_NAME);
        return s == null ? "" : s;
    }

    /** {@code metadata.uid}, "" if absent. */
    public String uid() {
        String s = slotString(SLOT_UID);
        return s == null ? "" : s;
    }

    /** Byte offset where the {@code metadata} object value starts (its '{'), or -1 if there is none. */
    public int metadataStart() {
        int a = entry(SLOT_META);
        return a == 0 ? -1 : a - 1;
    }

    /** Exclusive byte offset where the {@code metadata} value ends, or -1. */
    public int metadataEnd() {
        return entry(SLOT_META) == 0 ? -1 : entry(SLOT_META + 1);
    }

    public int labelCount() {
        return entry(LABEL_COUNT);
    }

    private int fieldCountIndex() {
        return LABEL_COUNT + 1 + 4 * labelCount();
    }

    /** Number of extracted field values (the extractor's path count). */
    public int fieldCount() {
        return entry(fieldCountIndex());
    }

    /**
     * The value at the extractor's {@code i}-th field path: string content, or the literal text of a boolean or
     * number; null if the path is absent, null, or not a scalar.
     */
    public String field(int i) {
        if (i < 0 || i >= fieldCount()) {
            throw new IndexOutOfBoundsException(i);
        }
        return slotString(fieldCountIndex() + 1 + 2 * i);
    }

    /** The label's value, or null. Compares bytes in place: no allocation unless the value is returned. */
    public String label(String key) {
        int n = labelCount();
        for (int i = 0; i < n; i++) {
            int slot = LABEL_COUNT + 1 + 4 * i;
            if (slotEquals(slot, key)) {
                String v = slotString(slot + 2);
                return v == null ? "" : v;
            }
        }
        return null;
    }

    /** Labels as a {@link LabelSource} for selectors. */
    public LabelSource labels() {
        return this::label;
    }

    /** A new map of all labels (in JSON order). */
    public Map<String, String> labelMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labelCount(); i++) {
            int slot = LABEL_COUNT + 1 + 4 * i;
            m.put(slotString(slot), slotString(slot + 2));
        }
        return m;
    }

    /** The JSON length in bytes. */
    public int jsonLength() {
        return jsonLength;
    }

    /** Writes the JSON bytes (no copy). */
    public void writeJsonTo(OutputStream out) throws IOException {
        out.write(data, 0, jsonLength);
    }

    /** A read-only view of the JSON bytes (no copy). */
    public ByteBuffer jsonBuffer() {
        return ByteBuffer.wrap(data, 0, jsonLength).slice().asReadOnlyBuffer();
    }

    /** A copy of the JSON bytes. */
    public byte[] copyJson() {
        return Arrays.copyOf(data, jsonLength);
    }

    /** The JSON as text (for tests and debugging). */
    public String jsonString() {
        return new String(data, 0, jsonLength, StandardCharsets.UTF_8);
    }

    /**
     * Estimated retained heap in bytes with compressed oops: this object (32) + the data array (16 + length,
     * 8-aligned).
     */
    public long estimatedHeapBytes() {
        return 32 + ((16L + data.length + 7) & ~7L);
    }

    // ---- slots ---------------------------------------------------------------------------------------------

    private String slotString(int slot) {
        int a = entry(slot);
        if (a == 0) {
            return null;
        }
        int flag = escFlag(width(data.length));
        boolean escaped = (a & flag) != 0;
        int start = (a & ~flag) - 1;
        int end = entry(slot + 1);
        if (!escaped) {
            return new String(data, start, end - start, StandardCharsets.UTF_8);
        }
        return GoJson.unquote(data, start, end);
    }

    private boolean slotEquals(int slot, String s) {
        int a = entry(slot);
        if (a == 0) {
            return false;
        }
        int flag = escFlag(width(data.length));
        int start = (a & ~flag) - 1;
        int end = entry(slot + 1);
        if ((a & flag) == 0) {
            int n = end - start;
            if (n == s.length()) { // ASCII fast path
                boolean ascii = true;
                for (int i = 0; i < n; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        ascii = false;
                        break;
                    }
                    if (data[start + i] != c) {
                        return false;
                    }
                }
                if (ascii) {
                    return true;
                }
            }
        }
        return s.equals(slotString(slot));
    }
}
