package dev.breakwater.cache.codec;

import dev.breakwater.cache.WatchSink;

/** Encodes one watch event as the bytes of one frame (a JSON line, or a length-prefixed protobuf WatchEvent). */
public interface WatchEventEncoder {

    byte[] encode(WatchSink.Event event);

    /** The response's Content-Type. */
    String contentType();

    /** Whether frames are text (WebSocket text messages) rather than binary. */
    default boolean text() {
        return true;
    }
}
