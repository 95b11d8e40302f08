package dev.breakwater.cache.codec;

import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a protobuf LIST body as the apiserver's streaming protobuf list encoder does:
 * {@code k8s\0}, then {@code runtime.Unknown{typeMeta, raw: List{metadata: ListMeta, items…},
 * contentEncoding: "", contentType: ""}}, in chunks of about {@link JsonListEncoder#CHUNK_BYTES}
 * pulled under back-pressure. The {@code raw} length prefix needs the items' sizes up front,
 * so each item's message is obtained twice (once to size, once to write) from
 * {@code itemMessage}, which is expected to be a memo; nothing else is held.
 *
 * <p>ListMeta as gogo writes it: {@code selfLink ""}, {@code resourceVersion}, {@code continue}
 * (empty when last page), {@code remainingItemCount} only when set. Fields go in field-number
 * order: {@code metadata = 1, items = 2} for v1 lists, but meta.k8s.io/v1beta1's
 * PartialObjectMetadataList has {@code items = 1, metadata = 2}, so there the ListMeta follows
 * the items (verified on 1.36.3).
 *
 * <p>Single-threaded: one encoder per response.
 */
public final class ProtobufListEncoder implements BodyChunks {

    private final byte[] head;
    private final byte[] tail;
    private final int itemsField;
    private final Iterator<CachedObject> items;
    private final ItemSource itemSource;
    private boolean headWritten;
    private boolean done;

    /** Where an item's message bytes come from: its size, and a read-only view of them (stored or memoized: no copy). */
    public interface ItemSource {
        int size(CachedObject o);

        /** A read-only view of the message's {@link #size} bytes that nobody else holds (a fresh slice or duplicate). */
        ByteBuffer slice(CachedObject o);

        /** Messages from {@code message}, which is expected to be a memo (it is asked twice per item). */
        static ItemSource of(Function<CachedObject, byte[]> message) {
            return new ItemSource() {
                public int size(CachedObject o) {
                    return message.apply(o).length;
                }

                public ByteBuffer slice(CachedObject o) {
                    return Slices.of(message.apply(o));
                }
            };
        }
    }

    /** Items that are stored protobuf messages (a protobuf cache's objects): sized and written without a copy. */
    public static final ItemSource STORED = new ItemSource() {
        public int size(CachedObject o) {
            return o.jsonLength();
        }

        public ByteBuffer slice(CachedObject o) {
            return o.jsonBuffer();
        }
    };

    public ProtobufListEncoder(String apiVersion, String listKind, long resourceVersion, String continueToken, Long remainingItemCount,
            List<CachedObject> items, Function<CachedObject, byte[]> itemMessage) {
        this(apiVersion, listKind, resourceVersion, continueToken, remainingItemCount, items, ItemSource.of(itemMessage), 1, 2);
    }

    public ProtobufListEncoder(String apiVersion, String listKind, long resourceVersion, String continueToken, Long remainingItemCount,
            List<CachedObject> items, Function<CachedObject, byte[]> itemMessage, int metadataField, int itemsField) {
        this(apiVersion, listKind, resourceVersion, continueToken, remainingItemCount, items, ItemSource.of(itemMessage), metadataField,
            itemsField);
    }

    /** With the list message's field numbers for {@code metadata} and {@code items}. */
    public ProtobufListEncoder(String apiVersion, String listKind, long resourceVersion, String continueToken, Long remainingItemCount,
            List<CachedObject> items, ItemSource itemSource, int metadataField, int itemsField) {
        this(apiVersion, listKind, resourceVersion, continueToken, remainingItemCount, null, items, itemSource, metadataField,
            itemsField);
    }

    /**
     * With {@code ListMeta.shardInfo} (field 5, a {@code ShardInfo} message whose {@code selector} is field 1),
     * or none when {@code shardInfo} is null.
     */
    public ProtobufListEncoder(String apiVersion, String listKind, long resourceVersion, String continueToken, Long remainingItemCount,
            String shardInfo, List<CachedObject> items, ItemSource itemSource, int metadataField, int itemsField) {
        this.items = items.iterator();
        this.itemSource = itemSource;
        this.itemsField = itemsField;
        ProtoWriter listMeta = new ProtoWriter().string(1, "").string(2, Long.toUnsignedString(resourceVersion))
            .string(3, continueToken == null ? "" : continueToken);
        if (remainingItemCount != null) {
            listMeta.int64(4, remainingItemCount);
        }
        if (shardInfo != null) {
            listMeta.message(5, new ProtoWriter().string(1, shardInfo).toByteArray());
        }
        byte[] meta = new ProtoWriter().message(metadataField, listMeta.toByteArray()).toByteArray();
        long raw = meta.length;
        for (CachedObject o : items) {
            int n = itemSource.size(o);
            raw += ProtoWriter.varintSize((long) itemsField << 3) + ProtoWriter.varintSize(n) + n;
        }
        boolean metaFirst = metadataField < itemsField;
        ByteArrayOutputStream h = new ByteArrayOutputStream(meta.length + 64);
        h.writeBytes(ProtobufWire.MAGIC);
        h.writeBytes(ProtobufWire.unknownHead(apiVersion, listKind, raw));
        if (metaFirst) {
            h.writeBytes(meta);
        }
        this.head = h.toByteArray();
        ByteArrayOutputStream t = new ByteArrayOutputStream(meta.length + 4);
        if (!metaFirst) {
            t.writeBytes(meta);
        }
        t.writeBytes(ProtobufWire.UNKNOWN_TAIL);
        this.tail = t.toByteArray();
    }

    /**
     * The next chunk, or null when the body is complete: the envelope's head, then per item its
     * field key and length (a few bytes in a small per-chunk array) and a read-only view of its
     * message, until the chunk holds {@link JsonListEncoder#CHUNK_BYTES}; then the tail.
     */
    @Override
    public ByteBuffer[] nextSlices() {
        if (done) {
            return null;
        }
        Slices.Chunk out = new Slices.Chunk();
        if (!headWritten) {
            headWritten = true;
            out.add(head);
        }
        byte[] keys = new byte[KEYS_BYTES];
        int at = 0;
        while (out.bytes() < JsonListEncoder.CHUNK_BYTES && items.hasNext()) {
            CachedObject o = items.next();
            if (at + 16 > keys.length) {
                keys = new byte[KEYS_BYTES]; // the views of the old array stay valid; nothing is copied
                at = 0;
            }
            int start = at;
            at = varint(keys, at, (long) itemsField << 3 | 2);
            at = varint(keys, at, itemSource.size(o));
            out.addFresh(ByteBuffer.wrap(keys, start, at - start).asReadOnlyBuffer());
            out.addFresh(itemSource.slice(o));
        }
        if (!items.hasNext()) {
            done = true;
            out.add(tail);
        }
        return out.toArray();
    }

    private static final int KEYS_BYTES = 512;

    private static int varint(byte[] b, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            b[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }
}
