package dev.breakwater.cache.auth;

import dev.breakwater.cache.status.ApiStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A client's own {@code Impersonate-User/-Group/-Uid/-Extra-*} headers, and the legacy
 * ({@code verb=impersonate}) checks the apiserver's impersonation filter makes for them
 * ({@code filters/impersonation/impersonation.go}): one SubjectAccessReview per requested user
 * (or ServiceAccount), group, extra value and uid; every one must be allowed. The impersonated user
 * gets {@code system:authenticated} (or {@code system:unauthenticated} for system:anonymous), and a
 * ServiceAccount without explicit groups its {@code system:serviceaccounts[:ns]} groups.
 *
 * <p>Breakwater uses this only for certificate and front-proxy clients (whose identity it forwards
 * by impersonation itself, so theirs cannot be forwarded); a bearer-token client's impersonation
 * headers go upstream with its token and the upstream decides (including 1.36's constrained
 * impersonation modes, which are not reproduced here). Pure; thread-safe.
 */
public final class Impersonation {

  public static final String USER = "Impersonate-User";
  public static final String GROUP = "Impersonate-Group";
  public static final String UID = "Impersonate-Uid";
  public static final String EXTRA_PREFIX = "Impersonate-Extra-";

  /** What the headers ask for, and the checks to make for the requestor. */
  public record Request(UserInfo wanted, List<Attributes> checks) {}

  private Impersonation() {}

  /** True when any impersonation header is present. */
  public static boolean requested(Headers h) {
    return h.names().stream().anyMatch(Impersonation::isImpersonationHeader);
  }

  public static boolean isImpersonationHeader(String name) {
    return name.equalsIgnoreCase(USER) || name.equalsIgnoreCase(GROUP) || name.equalsIgnoreCase(UID)
        || name.regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length());
  }

  /**
   * Parses the headers of a request by {@code requestor}. Empty when no user is impersonated and
   * nothing else is asked. Throws {@link BadImpersonation} (400) for groups, uid or extra without a
   * user, as the apiserver does.
   */
  public static Optional<Request> parse(Headers h, UserInfo requestor) throws BadImpersonation {
    String user = h.first(USER);
    List<String> groups = h.all(GROUP);
    String uid = h.first(UID);
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (String name : h.names()) {
      if (name.regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
        String key = RequestHeaderIdentity.unescapeExtraKey(name.substring(EXTRA_PREFIX.length()).toLowerCase(Locale.ROOT));
        extra.computeIfAbsent(key, k -> new ArrayList<>()).addAll(h.all(name));
      }
    }
    if (user.isEmpty()) {
      if (!groups.isEmpty() || !uid.isEmpty() || !extra.isEmpty()) {
        throw new BadImpersonation(ApiStatus.badRequest("requested impersonation without impersonating a user name"));
      }
      return Optional.empty();
    }
    List<Attributes> checks = new ArrayList<>();
    List<String> wantedGroups = new ArrayList<>();
    String[] sa = splitServiceAccount(user);
    if (sa != null) {
      checks.add(Attributes.resource(requestor, "impersonate", "", "v1", sa[0], "serviceaccounts", "", sa[1]));
      if (groups.isEmpty()) {
        wantedGroups.add("system:serviceaccounts");
        wantedGroups.add("system:serviceaccounts:" + sa[0]);
      }
    } else {
      checks.add(Attributes.resource(requestor, "impersonate", "", "v1", "", "users", "", user));
    }
    for (String g : groups) {
      checks.add(Attributes.resource(requestor, "impersonate", "", "v1", "", "groups", "", g));
      wantedGroups.add(g);
    }
    extra.forEach((k, vs) -> vs.forEach(v ->
        checks.add(Attributes.resource(requestor, "impersonate", "authentication.k8s.io", "v1", "", "userextras", k, v))));
    if (!uid.isEmpty()) {
      checks.add(Attributes.resource(requestor, "impersonate", "authentication.k8s.io", "v1", "", "uids", "", uid));
    }
    if (!user.equals(UserInfo.ANONYMOUS)) {
      if (!wantedGroups.contains(UserInfo.ALL_AUTHENTICATED) && !wantedGroups.contains(UserInfo.ALL_UNAUTHENTICATED)) {
        wantedGroups.add(UserInfo.ALL_AUTHENTICATED);
      }
    } else if (!wantedGroups.contains(UserInfo.ALL_UNAUTHENTICATED)) {
      wantedGroups.add(UserInfo.ALL_UNAUTHENTICATED);
    }
    return Optional.of(new Request(new UserInfo(user, uid, wantedGroups, extra), checks));
  }

  /** {@code serviceaccount.SplitUsername}: system:serviceaccount:NS:NAME → {NS, NAME}, else null. */
  static String[] splitServiceAccount(String user) {
    String prefix = "system:serviceaccount:";
    if (!user.startsWith(prefix)) {
      return null;
    }
    String[] parts = user.substring(prefix.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return null;
    }
    return parts;
  }

  /** A 400 the apiserver answers for malformed impersonation headers. */
  public static final class BadImpersonation extends Exception {
    private final transient ApiStatus status;

    public BadImpersonation(ApiStatus status) {
      super(status.message());
      this.status = status;
    }

    public ApiStatus status() {
      return status;
    }
  }
}
