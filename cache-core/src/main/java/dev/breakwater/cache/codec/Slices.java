package dev.breakwater.cache.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Helpers for {@link BodyChunks}: read-only views of constant bytes and a chunk under
 * construction. Stateless but for {@link Chunk}, which belongs to the one encoder building it.
 */
public final class Slices {

  private Slices() {}

  /** A read-only view of {@code bytes} (no copy); the caller must not change the array afterwards. */
  public static ByteBuffer of(byte[] bytes) {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** All remaining bytes of {@code slices}, copied into one array; the buffers' positions are left as they were. */
  public static byte[] concat(ByteBuffer... slices) {
    int n = 0;
    for (ByteBuffer b : slices) {
      n += b.remaining();
    }
    byte[] out = new byte[n];
    int at = 0;
    for (ByteBuffer b : slices) {
      int len = b.remaining();
      b.get(b.position(), out, at, len);
      at += len;
    }
    return out;
  }

  /**
   * One chunk being assembled: an ordered list of read-only buffers and the number of payload
   * bytes they hold. Constants are added as fresh duplicates ({@link #add(ByteBuffer)} of a shared
   * read-only buffer), so the shared instance's position is never touched by a consumer.
   */
  public static final class Chunk {
    private ByteBuffer[] slices = new ByteBuffer[16];
    private int count;
    private long bytes;

    /** Adds a view of {@code b}'s remaining bytes (a duplicate: {@code b} itself is never handed out). */
    public Chunk add(ByteBuffer b) {
      if (!b.hasRemaining()) {
        return this;
      }
      if (count == slices.length) {
        slices = Arrays.copyOf(slices, count * 2);
      }
      ByteBuffer view = b.isReadOnly() ? b.duplicate() : b.asReadOnlyBuffer();
      slices[count++] = view;
      bytes += view.remaining();
      return this;
    }

    /**
     * Adds {@code readOnly} itself: a fresh read-only view nobody else holds (such as
     * {@code CachedObject.jsonBuffer()}), so no duplicate is needed. A writable buffer is refused
     * (IllegalArgumentException): it could expose stored bytes to a write.
     */
    public Chunk addFresh(ByteBuffer readOnly) {
      if (!readOnly.isReadOnly()) {
        throw new IllegalArgumentException("not a read-only buffer");
      }
      if (!readOnly.hasRemaining()) {
        return this;
      }
      if (count == slices.length) {
        slices = Arrays.copyOf(slices, count * 2);
      }
      slices[count++] = readOnly;
      bytes += readOnly.remaining();
      return this;
    }

    /** Adds {@code bytes} (which nobody changes afterwards) without a copy. */
    public Chunk add(byte[] bytes) {
      return bytes.length == 0 ? this : addFresh(of(bytes));
    }

    /** Payload bytes so far. */
    public long bytes() {
      return bytes;
    }

    public boolean isEmpty() {
      return count == 0;
    }

    /** The buffers, in order. */
    public ByteBuffer[] toArray() {
      return Arrays.copyOf(slices, count);
    }
  }

  /**
   * A chunk built by copying (pretty JSON re-indented per item, Table rows): a byte array sized
   * for one chunk up front, grown only for an item larger than that, handed out as one read-only
   * view without a final copy.
   */
  public static final class Sink {
    private byte[] buf;
    private int size;

    public Sink(int capacity) {
      this.buf = new byte[capacity];
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    public Sink write(byte[] b) {
      return write(b, 0, b.length);
    }

    public Sink write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
      return this;
    }

    public Sink write(int b) {
      room(1);
      buf[size++] = (byte) b;
      return this;
    }

    /** Copies {@code b}'s remaining bytes, leaving its position as it was. */
    public Sink write(ByteBuffer b) {
      int len = b.remaining();
      room(len);
      b.get(b.position(), buf, size, len);
      size += len;
      return this;
    }

    public int size() {
      return size;
    }

    /** The bytes written, as one read-only view (the sink must not be written afterwards). */
    public ByteBuffer toBuffer() {
      return ByteBuffer.wrap(buf, 0, size).asReadOnlyBuffer();
    }
  }
}
