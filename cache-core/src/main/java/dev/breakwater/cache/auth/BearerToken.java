package dev.breakwater.cache.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The bearer token of an {@code Authorization} header, exactly as the apiserver's
 * {@code bearertoken.Authenticator} finds it: the header trimmed of ASCII white space, split on
 * single spaces into at most three parts, scheme {@code bearer} in any case, the second part the
 * token. Anything else — no header, another scheme, {@code "Bearer "} with no token, {@code
 * "Bearer  x"} (a space first) — is "no token here": the request falls through to the next
 * authenticator (and ends anonymous or 401), as in Go. A token's bytes are never interpreted:
 * huge or non-ASCII tokens are passed to TokenReview, which rejects them.
 *
 * <p>Pure functions; safe from any thread. Never throws.
 */
public final class BearerToken {

  private BearerToken() {}

  /** The token, or empty when {@code authorization} carries none the apiserver would try. */
  public static Optional<String> parse(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String auth = trimSpace(authorization);
    if (auth.isEmpty()) {
      return Optional.empty();
    }
    // strings.SplitN(auth, " ", 3)
    int first = auth.indexOf(' ');
    if (first < 0) {
      return Optional.empty();
    }
    String scheme = auth.substring(0, first);
    int second = auth.indexOf(' ', first + 1);
    String token = second < 0 ? auth.substring(first + 1) : auth.substring(first + 1, second);
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer") || token.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  /**
   * Go's strings.TrimSpace on the header's bytes. Header values reach us as ISO-8859-1 (one char
   * per byte); a lone byte above 0x7F is not valid UTF-8, so Go does not trim it: only ASCII white
   * space is trimmed here. (A UTF-8 encoded U+00A0 would be trimmed by Go and not here; such a
   * header is rejected as "no token" by both, since what remains is no valid token either.)
   */
  static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isGoSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isGoSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  static boolean isGoSpace(char c) {
    return switch (c) {
      case '\t', '\n', 0x0B, '\f', '\r', ' ' -> true;
      default -> false;
    };
  }

  /**
   * The cache key for a token: hex SHA-256 of its UTF-8 bytes, so neither a log, a metric nor a
   * heap dump of the decision cache holds the credential.
   */
  public static String digest(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
