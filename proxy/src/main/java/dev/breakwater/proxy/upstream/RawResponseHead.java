package dev.breakwater.proxy.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 response head read off a raw socket (the upgrade tunnel talks to the upstream
 * below Vert.x's HTTP client, because that client only tunnels GET upgrades and kubectl's SPDY
 * exec is a POST).
 *
 * <p>{@link #parse} is given everything received so far and answers: not complete yet (null),
 * a head plus the bytes that followed it, or {@link MalformedHeadException}. Heads larger than
 * {@link #MAX_HEAD_BYTES} are malformed. Pure; no sockets.
 *
 * @param raw the head bytes exactly as received, CRLFCRLF included, to forward verbatim
 * @param rest bytes received after the head (the start of the body or of the tunnelled stream)
 */
public record RawResponseHead(int status, String reason, MultiMap headers, Buffer raw, Buffer rest) {

  public static final int MAX_HEAD_BYTES = 64 * 1024;

  /** Thrown for a response that is not HTTP/1.x; the tunnel answers 502. */
  public static final class MalformedHeadException extends Exception {
    public MalformedHeadException(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses {@code received}, or returns null when the head is not complete yet. */
  public static RawResponseHead parse(Buffer received) throws MalformedHeadException {
    int end = indexOfHeadEnd(received);
    if (end < 0) {
      if (received.length() > MAX_HEAD_BYTES) {
        throw new MalformedHeadException("upstream response head exceeds " + MAX_HEAD_BYTES + " bytes");
      }
      return null;
    }
    if (end + 4 > MAX_HEAD_BYTES) {
      throw new MalformedHeadException("upstream response head exceeds " + MAX_HEAD_BYTES + " bytes");
    }
    String head = received.getString(0, end, StandardCharsets.ISO_8859_1.name());
    String[] lines = head.split("\r\n");
    String statusLine = lines[0];
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new MalformedHeadException("upstream did not answer with HTTP/1.x: " + abbreviate(statusLine));
    }
    int sp1 = statusLine.indexOf(' ');
    if (sp1 < 0 || statusLine.length() < sp1 + 4 || (statusLine.length() > sp1 + 4 && statusLine.charAt(sp1 + 4) != ' ')
        || !isDigits(statusLine, sp1 + 1, sp1 + 4)) {
      throw new MalformedHeadException("malformed upstream status line: " + abbreviate(statusLine));
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(sp1 + 1, sp1 + 4));
    } catch (NumberFormatException e) {
      throw new MalformedHeadException("malformed upstream status line: " + abbreviate(statusLine));
    }
    String reason = statusLine.length() > sp1 + 5 ? statusLine.substring(sp1 + 5) : "";
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new MalformedHeadException("malformed upstream header line: " + abbreviate(lines[i]));
      }
      headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    int headLen = end + 4;
    return new RawResponseHead(status, reason, headers, received.getBuffer(0, headLen),
        received.getBuffer(headLen, received.length()));
  }

  /** Content-Length, or -1 when absent or unusable. */
  public long contentLength() {
    String cl = headers.get("Content-Length");
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public boolean chunked() {
    String te = headers.get("Transfer-Encoding");
    return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  private static boolean isDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int indexOfHeadEnd(Buffer b) {
    int n = b.length();
    for (int i = 0; i + 3 < n; i++) {
      if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
