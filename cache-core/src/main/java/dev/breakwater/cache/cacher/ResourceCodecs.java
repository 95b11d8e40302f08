package dev.breakwater.cache.cacher;

import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.codec.PartialObjectMetadataCodec;
import dev.breakwater.cache.codec.ProtobufFrames;
import dev.breakwater.cache.codec.SharedWatchEncoder;
import dev.breakwater.cache.codec.TypeMeta;
import dev.breakwater.cache.codec.WatchEventEncoder;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.object.ProtobufExtractor;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The per-resource codecs a cache's reads are encoded with: the kind's TypeMeta, its
 * PartialObjectMetadata codec (memoized per object), the upstream frame decoder (JSON or
 * protobuf, whose bookmark template the watch encoders reuse) and the watch encoders all watchers
 * of one representation share — an event fanned out to many watchers is encoded once
 * ({@link SharedWatchEncoder}).
 *
 * <p>Thread-safe: immutable but for the shared-encoder map (concurrent) and the frames' bookmark
 * template (volatile, written by the reflector's thread).
 */
public final class ResourceCodecs {

  private final String kind;
  private final String apiVersion;
  private final boolean builtIn;
  private final TypeMeta typeMeta;
  private final PartialObjectMetadataCodec partialObjectMetadata;
  private final JsonFrames jsonFrames;
  private final ProtobufFrames protobufFrames;
  private final ConcurrentHashMap<String, SharedWatchEncoder> watchEncoders = new ConcurrentHashMap<>();

  private ResourceCodecs(String kind, String apiVersion, boolean builtIn, JsonFrames jsonFrames, ProtobufFrames protobufFrames) {
    this.kind = Objects.requireNonNull(kind);
    this.apiVersion = Objects.requireNonNull(apiVersion);
    this.builtIn = builtIn;
    this.typeMeta = new TypeMeta(kind, apiVersion);
    this.partialObjectMetadata = new PartialObjectMetadataCodec(!builtIn);
    this.jsonFrames = jsonFrames;
    this.protobufFrames = protobufFrames;
  }

  /** Objects kept in JSON (built-ins bare, custom resources as sent); {@code extractor} reads their fields. */
  public static ResourceCodecs json(String kind, String apiVersion, boolean builtIn, ObjectExtractor extractor) {
    return new ResourceCodecs(kind, apiVersion, builtIn, new JsonFrames(extractor, new TypeMeta(kind, apiVersion)), null);
  }

  /** Objects kept as the apiserver's protobuf bytes (built-in resources only). */
  public static ResourceCodecs protobuf(String kind, String apiVersion, ProtobufExtractor extractor) {
    return new ResourceCodecs(kind, apiVersion, true, null, new ProtobufFrames(extractor));
  }

  public String kind() {
    return kind;
  }

  public String apiVersion() {
    return apiVersion;
  }

  /** A built-in kind (false: a custom resource, written as the apiserver writes unstructured objects). */
  public boolean builtIn() {
    return builtIn;
  }

  public TypeMeta typeMeta() {
    return typeMeta;
  }

  public PartialObjectMetadataCodec partialObjectMetadata() {
    return partialObjectMetadata;
  }

  /** Objects are kept in protobuf. */
  public boolean protobuf() {
    return protobufFrames != null;
  }

  /** The JSON decoder (with the kind's bookmark template); null for a protobuf cache. */
  public JsonFrames jsonFrames() {
    return jsonFrames;
  }

  /** The protobuf decoder (with the type's bookmark template); null for a JSON cache. */
  public ProtobufFrames protobufFrames() {
    return protobufFrames;
  }

  /**
   * The watch encoder all watchers of representation {@code key} share, built by {@code make} on
   * first use. {@code key} must name everything the encoder's output depends on.
   */
  public WatchEventEncoder sharedWatchEncoder(String key, Supplier<WatchEventEncoder> make) {
    return watchEncoders.computeIfAbsent(key, k -> new SharedWatchEncoder(make.get()));
  }
}
