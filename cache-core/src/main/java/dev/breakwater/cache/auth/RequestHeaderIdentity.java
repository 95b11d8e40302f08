package dev.breakwater.cache.auth;

import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The front-proxy request-header scheme ({@code headerrequest.requestHeaderAuthRequestHandler}):
 * from a client whose certificate verified against the request-header CA (and whose CN is allowed),
 * the user is the first non-empty value of the first username header that has one, the groups every
 * non-empty value of the group headers, extra every header under an extra prefix (key lower-cased and
 * %-unescaped). {@link #isAuthenticationHeader} names the headers that must be stripped from every
 * request, trusted or not. Pure; thread-safe.
 */
public final class RequestHeaderIdentity {

  private final List<String> usernameHeaders;
  private final List<String> groupHeaders;
  private final List<String> extraPrefixes;

  public RequestHeaderIdentity(List<String> usernameHeaders, List<String> groupHeaders, List<String> extraPrefixes) {
    this.usernameHeaders = List.copyOf(usernameHeaders);
    this.groupHeaders = List.copyOf(groupHeaders);
    this.extraPrefixes = List.copyOf(extraPrefixes);
  }

  /** The user the headers name, or empty when no username header has a value. */
  public Optional<UserInfo> user(Headers h) {
    String name = "";
    for (String n : usernameHeaders) {
      name = h.first(n);
      if (!name.isEmpty()) {
        break;
      }
    }
    if (name.isEmpty()) {
      return Optional.empty();
    }
    List<String> groups = new ArrayList<>();
    for (String g : groupHeaders) {
      h.all(g).stream().filter(v -> !v.isEmpty()).forEach(groups::add);
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String prefix : extraPrefixes) {
      for (String header : h.names()) {
        if (header.regionMatches(true, 0, prefix, 0, prefix.length())) {
          String key = unescapeExtraKey(header.substring(prefix.length()).toLowerCase(Locale.ROOT));
          extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(h.all(header));
        }
      }
    }
    return Optional.of(new UserInfo(name, "", groups, extra));
  }

  /** True for a header this scheme reads (stripped from every request before it goes on). */
  public boolean isAuthenticationHeader(String header) {
    for (String n : usernameHeaders) {
      if (n.equalsIgnoreCase(header)) {
        return true;
      }
    }
    for (String n : groupHeaders) {
      if (n.equalsIgnoreCase(header)) {
        return true;
      }
    }
    for (String p : extraPrefixes) {
      if (header.regionMatches(true, 0, p, 0, p.length())) {
        return true;
      }
    }
    return false;
  }

  /** url.PathUnescape, keeping the raw key when it is malformed ("always record extra strings"). */
  static String unescapeExtraKey(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    try {
      return URLDecoder.decode(encoded.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return encoded;
    }
  }
}
