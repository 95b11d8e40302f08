package dev.breakwater.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A minimal HTTP/1.1 response reader for tests that need to see framing and connection resets. */
final class RawHttp {

  private RawHttp() {}

  record Response(int status, String reason, List<String[]> headers, byte[] rawHead, byte[] body, boolean complete,
      IOException failure) {

    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    List<String> headerNames() {
      return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads a head, byte by byte, up to and including CRLFCRLF. */
  static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF in response head after " + head.size() + " bytes: " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
      state = switch (state) {
        case 0, 2 -> b == '\r' ? state + 1 : 0;
        case 1, 3 -> b == '\n' ? state + 1 : (b == '\r' ? 1 : 0);
        default -> 0;
      };
    }
    return head.toByteArray();
  }

  /** Reads one response; a body cut short (EOF or reset) yields complete=false, never an exception. */
  static Response read(InputStream in) throws IOException {
    byte[] raw = readHead(in);
    String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusParts = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusParts[1]);
    String reason = statusParts.length > 2 ? statusParts[2] : "";
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
    }
    Response head = new Response(status, reason, headers, raw, new byte[0], true, null);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean complete;
    IOException failure = null;
    try {
      if (status == 101 || status == 204 || status == 304) {
        complete = true;
      } else if (head.header("Transfer-Encoding") != null && head.header("Transfer-Encoding").toLowerCase(Locale.ROOT).contains("chunked")) {
        complete = readChunked(in, body);
      } else if (head.header("Content-Length") != null) {
        long n = Long.parseLong(head.header("Content-Length"));
        complete = copy(in, body, n) == n;
      } else {
        copy(in, body, Long.MAX_VALUE);
        complete = true;
      }
    } catch (IOException e) {
      complete = false;
      failure = e;
    }
    return new Response(status, reason, headers, raw, body.toByteArray(), complete, failure);
  }

  private static long copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    byte[] buf = new byte[8192];
    long total = 0;
    while (total < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - total));
      if (r < 0) {
        break;
      }
      out.write(buf, 0, r);
      total += r;
    }
    return total;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (b == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) b);
    }
  }

  /** True when the terminating zero-size chunk and the final CRLF arrived. */
  private static boolean readChunked(InputStream in, ByteArrayOutputStream out) throws IOException {
    while (true) {
      String size = line(in);
      if (size == null) {
        return false;
      }
      int semi = size.indexOf(';');
      long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      if (n == 0) {
        while (true) {
          String trailer = line(in);
          if (trailer == null) {
            return false;
          }
          if (trailer.isEmpty()) {
            return true;
          }
        }
      }
      if (copy(in, out, n) != n) {
        return false;
      }
      String crlf = line(in);
      if (crlf == null) {
        return false;
      }
    }
  }
}
