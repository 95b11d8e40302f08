package dev.breakwater.cache.codec;

import java.nio.ByteBuffer;

/**
 * A response body produced chunk by chunk under the caller's back-pressure: the caller asks for
 * the next chunk only while its output can take more, so one response holds one chunk at a time
 * whatever the body's size.
 *
 * <p>A chunk is a short sequence of {@link ByteBuffer}s whose remaining bytes, in order, are the
 * chunk's bytes (about {@link JsonListEncoder#CHUNK_BYTES} of payload). Every buffer is read-only
 * and private to the chunk: a stored object's bytes are handed out as a fresh read-only slice of
 * its storage (never a copy, and never the storage itself), so a consumer may read, slice or
 * advance the buffers it got without any effect on the cache or on other responses. No Netty
 * here; the proxy wraps the buffers for its socket without copying them.
 *
 * <p>Single-threaded: one body per response, driven from one thread at a time.
 */
public interface BodyChunks {

  /** The next chunk as read-only buffers (at least one byte in all), or null when the body is complete. */
  ByteBuffer[] nextSlices();

  /** The next chunk's bytes in one new array (tests, small bodies), or null when the body is complete. */
  default byte[] nextChunk() {
    ByteBuffer[] slices = nextSlices();
    return slices == null ? null : Slices.concat(slices);
  }
}
