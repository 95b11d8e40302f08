package dev.breakwater.cache.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An authenticated identity, as {@code user.Info}: name, uid, groups (in order) and extra.
 * Immutable; {@code extra} is copied into a sorted map so equal identities are equal keys.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

  public static final String ANONYMOUS = "system:anonymous";
  public static final String ALL_UNAUTHENTICATED = "system:unauthenticated";
  public static final String ALL_AUTHENTICATED = "system:authenticated";

  public UserInfo {
    name = Objects.requireNonNullElse(name, "");
    uid = Objects.requireNonNullElse(uid, "");
    groups = List.copyOf(groups == null ? List.of() : groups);
    TreeMap<String, List<String>> e = new TreeMap<>();
    if (extra != null) {
      extra.forEach((k, v) -> e.put(k, List.copyOf(v)));
    }
    extra = java.util.Collections.unmodifiableMap(e);
  }

  public static UserInfo of(String name, List<String> groups) {
    return new UserInfo(name, "", groups, Map.of());
  }

  /** What {@code --anonymous-auth} makes of a request without credentials. */
  public static UserInfo anonymous() {
    return of(ANONYMOUS, List.of(ALL_UNAUTHENTICATED));
  }

  /** {@code user.Info} as the apiserver's x509/requestheader/token authenticators finish it: + system:authenticated. */
  public UserInfo withAuthenticatedGroup() {
    if (groups.contains(ALL_AUTHENTICATED) || groups.contains(ALL_UNAUTHENTICATED)) {
      return this;
    }
    List<String> g = new java.util.ArrayList<>(groups);
    g.add(ALL_AUTHENTICATED);
    return new UserInfo(name, uid, g, extra);
  }

  /** For logs: the name only (never a credential). */
  @Override
  public String toString() {
    return name;
  }
}
