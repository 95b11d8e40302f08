package dev.breakwater.cache.codec;

import dev.breakwater.cache.status.ApiStatus;

/**
 * A {@code metav1.Status} in the apiserver's protobuf encoding: the {@code k8s\0} magic, then a
 * {@code runtime.Unknown} (typeMeta {@code v1}/{@code Status}, raw = the Status message, empty
 * contentEncoding and contentType), the Status as gogo writes it — every non-pointer field,
 * zero values included: metadata (ListMeta: selfLink, resourceVersion, continue; the pointer
 * remainingItemCount left out), status, message, reason, details only when allocated (name,
 * group, kind, causes (type, message, field), retryAfterSeconds, uid), code.
 *
 * <p>This is what a client that accepts protobuf gets for an error (404, 410, 406 …) from an
 * endpoint that serves protobuf. Stateless; thread-safe.
 */
public final class StatusProtobuf {

  private StatusProtobuf() {}

  /** The whole HTTP body for {@code s}. */
  public static byte[] encode(ApiStatus s) {
    ProtoWriter status = new ProtoWriter(96 + s.message().length());
    status.message(1, new ProtoWriter(8).string(1, "").string(2, "").string(3, s.continueToken()).toByteArray());
    status.string(2, "Failure").string(3, s.message()).string(4, s.reason());
    ApiStatus.Details d = s.details();
    if (d != null) {
      ProtoWriter details = new ProtoWriter(32).string(1, d.name()).string(2, d.group()).string(3, d.kind());
      for (ApiStatus.Cause c : d.causes()) {
        details.message(4, new ProtoWriter(32).string(1, c.reason()).string(2, c.message()).string(3, c.field()).toByteArray());
      }
      details.int64(5, d.retryAfterSeconds()).string(6, d.uid());
      status.message(5, details.toByteArray());
    }
    status.int64(6, s.code());
    return ProtobufWire.envelope("v1", "Status", status.toByteArray());
  }

  /** An ERROR watch event carrying {@code s} as a chunked protobuf watch stream frames it: 4-byte length, then the WatchEvent. */
  public static byte[] watchErrorFrame(ApiStatus s) {
    return ProtobufWire.watchFrame("ERROR", encode(s));
  }

  /** An ERROR watch event carrying {@code s}: the WatchEvent message alone, as a WebSocket binary message carries it. */
  public static byte[] watchErrorEvent(ApiStatus s) {
    byte[] frame = ProtobufWire.watchFrame("ERROR", encode(s));
    return java.util.Arrays.copyOfRange(frame, 4, frame.length);
  }
}
