package dev.breakwater.bench.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a JSON watch stream (one event per line) into lines, reusing one growing buffer: a
 * line is valid only until the next call. Returns -1 at the end of the stream.
 */
public final class EventLines {

  private final InputStream in;
  private byte[] buf = new byte[64 * 1024];
  private int start;
  private int end;
  private int lineStart;
  /** Bytes in [start, scanned) are known to hold no newline. */
  private int scanned;

  public EventLines(InputStream in) {
    this.in = in;
  }

  /** The buffer holding the current line (from {@link #offset()}, {@code length} bytes). */
  public byte[] buffer() {
    return buf;
  }

  public int offset() {
    return lineStart;
  }

  /** Reads the next non-empty line; returns its length, or -1 at the end of the stream. */
  public int next() throws IOException {
    while (true) {
      for (int i = Math.max(start, scanned); i < end; i++) {
        if (buf[i] == '\n') {
          int len = i - start;
          lineStart = start;
          start = i + 1;
          scanned = start;
          if (len > 0) {
            return len;
          }
        }
      }
      scanned = end;
      // No newline in [start, end): compact and read more.
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        scanned -= start;
        start = 0;
      }
      if (end == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        if (end > start) {
          lineStart = start;
          int len = end - start;
          start = end;
          scanned = end;
          return len;
        }
        return -1;
      }
      end += n;
    }
  }
}
