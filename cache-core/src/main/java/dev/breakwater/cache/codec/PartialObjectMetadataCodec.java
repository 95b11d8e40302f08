package dev.breakwater.cache.codec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.breakwater.cache.object.CachedObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code meta.k8s.io} PartialObjectMetadata of cached objects, in JSON and protobuf, as the
 * apiserver writes them ({@code as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1|v1beta1}).
 *
 * <p>Serialized once per object and representation: a built-in object's metadata bytes are
 * already typed ObjectMeta JSON and are used in place; a custom resource's (sorted unstructured
 * keys) are re-ordered once; the protobuf ObjectMeta is encoded once. Derived bytes are
 * memoized weakly by object identity, so they live exactly as long as the cached object does
 * (store, window or snapshot) and cost nothing for objects no client asked about this way.
 *
 * <p>Thread-safe.
 */
public final class PartialObjectMetadataCodec {

    public static final String KIND = "PartialObjectMetadata";
    public static final String LIST_KIND = "PartialObjectMetadataList";

    private final boolean unstructured;
    private final Cache<CachedObject, byte[]> typedJson = Caffeine.newBuilder().weakKeys().build();
    private final Cache<CachedObject, byte[]> protoMessage = Caffeine.newBuilder().weakKeys().build();

    /** @param unstructured true for custom resources (stored metadata has sorted keys) */
    public PartialObjectMetadataCodec(boolean unstructured) {
        this.unstructured = unstructured;
    }

    /** The object's metadata as typed ObjectMeta JSON (compact). */
    public byte[] metadataJson(CachedObject o) {
        if (!unstructured) {
            byte[] meta = new byte[o.metadataEnd() - o.metadataStart()];
            o.jsonBuffer().get(o.metadataStart(), meta);
            return meta;
        }
        return typedJson.get(o, x -> {
            byte[] json = x.copyJson();
            return ObjectMetaCodec.typedJson(json, x.metadataStart(), x.metadataEnd());
        });
    }

    /**
     * The object's metadata as typed ObjectMeta JSON, as a fresh read-only view: of the stored bytes
     * themselves for a built-in object, of the memo for a custom resource (no copy either way).
     */
    public ByteBuffer metadataSlice(CachedObject o) {
        if (!unstructured) {
            return o.jsonBuffer().slice(o.metadataStart(), o.metadataEnd() - o.metadataStart());
        }
        return Slices.of(metadataJson(o));
    }

    /**
     * PartialObjectMetadataList items at {@code apiVersion} for {@link JsonListEncoder}: the
     * {@link #json} document as three views (a shared head, the stored or memoized metadata, {@code }}),
     * without copying the metadata.
     */
    public JsonListEncoder.Item jsonListItem(String apiVersion) {
        ByteBuffer head = Slices.of(("{\"kind\":\"" + KIND + "\",\"apiVersion\":\"" + apiVersion + "\",\"metadata\":")
            .getBytes(StandardCharsets.UTF_8));
        return (chunk, o) -> chunk.add(head).addFresh(metadataSlice(o)).add(CLOSE);
    }

    private static final ByteBuffer CLOSE = Slices.of(new byte[] {'}'});

    /** The object's PartialObjectMetadata protobuf message ({@code metadata = 1}: its ObjectMeta). */
    public byte[] protoMessage(CachedObject o) {
        return protoMessage.get(o, x -> {
            byte[] json = x.copyJson();
            return protoMessage(ObjectMetaCodec.protobuf(json, x.metadataStart(), x.metadataEnd()));
        });
    }

    /** {@code {"kind":"PartialObjectMetadata","apiVersion":…,"metadata":{…}}} (compact, no newline). */
    public static byte[] json(String apiVersion, byte[] metadataJson) {
        byte[] head = ("{\"kind\":\"" + KIND + "\",\"apiVersion\":\"" + apiVersion + "\",\"metadata\":").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + metadataJson.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(metadataJson, 0, out, head.length, metadataJson.length);
        out[out.length - 1] = '}';
        return out;
    }

    /** The PartialObjectMetadata message: {@code metadata = 1}. */
    public static byte[] protoMessage(byte[] objectMetaProto) {
        return new ProtoWriter(objectMetaProto.length + 6).message(1, objectMetaProto).toByteArray();
    }

    /** A whole protobuf object as the apiserver writes it (see {@link ProtobufWire#envelope}). */
    public static byte[] protoEnvelope(String apiVersion, String kind, byte[] raw) {
        return ProtobufWire.envelope(apiVersion, kind, raw);
    }
}
