/**
 * Bytes on the wire, built from each object's stored bytes without object trees: LIST bodies
 * ({@link dev.breakwater.cache.codec.JsonListEncoder}, {@link dev.breakwater.cache.codec.ProtobufListEncoder}),
 * watch events ({@link dev.breakwater.cache.codec.JsonWatchEncoder},
 * {@link dev.breakwater.cache.codec.ProtobufWatchEncoder},
 * {@link dev.breakwater.cache.codec.PartialObjectMetadataWatchEncoder}, shared by all watchers through
 * {@link dev.breakwater.cache.codec.SharedWatchEncoder}), PartialObjectMetadata, Status in protobuf, and the
 * decoders of what the upstream sends a reflector ({@link dev.breakwater.cache.codec.JsonFrames},
 * {@link dev.breakwater.cache.codec.ProtobufFrames}, into {@code reflector.WatchFrame}). Table bodies are
 * {@code table}'s; YAML is {@code codec.yaml}'s.
 */
package dev.breakwater.cache.codec;
