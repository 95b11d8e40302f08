package dev.breakwater.cache.codec;

import dev.breakwater.cache.object.CachedObject;
import java.io.ByteArrayOutputStream;
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
public final class ProtobufListEncoder {

    private final byte[] head;
    private final byte[] tail;
    private final int itemsField;
    private final Iterator<CachedObject> items;
    private final ItemSource itemSource;
    private boolean headWritten;
    private boolean done;

    /** Where an item's message bytes come from: its size, and writing it. */
    public interface ItemSource {
        int size(CachedObject o);

        void write(CachedObject o, ByteArrayOutputStream out);

        static ItemSource of(Function<CachedObject, byte[]> message) {
            return new ItemSource() {
                public int size(CachedObject o) {
                    return message.apply(o).length;
                }

                public void write(CachedObject o, ByteArrayOutputStream out) {
                    out.writeBytes(message.apply(o));
                }
            };
        }
    }

    /** Items that are stored protobuf messages (a protobuf cache's objects): sized and written without a copy. */
    public static final ItemSource STORED = new ItemSource() {
        public int size(CachedObject o) {
            return o.jsonLength();
        }

        public void write(CachedObject o, ByteArrayOutputStream out) {
            try {
                o.writeJsonTo(out);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
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
        this.items = items.iterator();
        this.itemSource = itemSource;
        this.itemsField = itemsField;
        ProtoWriter listMeta = new ProtoWriter().string(1, "").string(2, Long.toUnsignedString(resourceVersion))
            .string(3, continueToken == null ? "" : continueToken);
        if (remainingItemCount != null) {
            listMeta.int64(4, remainingItemCount);
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

    /** The next chunk of the body, or null when the body is complete. */
    public byte[] nextChunk() {
        if (done) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
        if (!headWritten) {
            headWritten = true;
            out.writeBytes(head);
        }
        while (out.size() < JsonListEncoder.CHUNK_BYTES && items.hasNext()) {
            CachedObject o = items.next();
            ProtoWriter tag = new ProtoWriter(8);
            tag.tag(itemsField, 2);
            tag.varint(itemSource.size(o));
            out.writeBytes(tag.toByteArray());
            itemSource.write(o, out);
        }
        if (!items.hasNext()) {
            done = true;
            out.writeBytes(tail);
        }
        return out.toByteArray();
    }
}
