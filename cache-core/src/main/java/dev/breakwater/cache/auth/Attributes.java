package dev.breakwater.cache.auth;

import dev.breakwater.cache.golang.GoStrings;
import dev.breakwater.cache.status.ApiStatus;
import java.util.Objects;

/**
 * What a request asks to do, as the apiserver's {@code authorizer.AttributesRecord}: the user, the
 * verb and either a resource (API group, version, resource, subresource, namespace, name) or a
 * non-resource path. Records are equal by value, so an instance is its own decision-cache key
 * (the user's groups, uid and extra included: two users who differ in any of them never share a
 * decision).
 *
 * <p>{@link #forbidden(String)} is the 403 the apiserver's authorization filter writes for it
 * ({@code responsewriters.ForbiddenStatusError}).
 */
public record Attributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name,
    String path) {

  public Attributes {
    Objects.requireNonNull(user, "user");
    verb = Objects.requireNonNullElse(verb, "");
    apiGroup = Objects.requireNonNullElse(apiGroup, "");
    apiVersion = Objects.requireNonNullElse(apiVersion, "");
    namespace = Objects.requireNonNullElse(namespace, "");
    resource = Objects.requireNonNullElse(resource, "");
    subresource = Objects.requireNonNullElse(subresource, "");
    name = Objects.requireNonNullElse(name, "");
    path = Objects.requireNonNullElse(path, "");
  }

  /** A resource request (the path is not part of a resource decision and is left out of the key). */
  public static Attributes resource(UserInfo user, String verb, String group, String version, String namespace,
      String resource, String subresource, String name) {
    return new Attributes(user, verb, true, group, version, namespace, resource, subresource, name, "");
  }

  /** The same request by another user (after impersonation). */
  public Attributes as(UserInfo other) {
    return new Attributes(other, verb, resourceRequest, apiGroup, apiVersion, namespace, resource, subresource, name, path);
  }

  /**
   * {@code forbiddenMessage}: {@code User "u" cannot list resource "configmaps" in API group "" in
   * the namespace "ns"} / {@code … at the cluster scope} / {@code User "u" cannot get path "/x"};
   * a subresource is written {@code resource/subresource}.
   */
  public String forbiddenMessage() {
    if (!resourceRequest) {
      return "User " + GoStrings.quote(user.name()) + " cannot " + verb + " path " + GoStrings.quote(path);
    }
    String r = subresource.isEmpty() ? resource : resource + "/" + subresource;
    String head = "User " + GoStrings.quote(user.name()) + " cannot " + verb + " resource " + GoStrings.quote(r)
        + " in API group " + GoStrings.quote(apiGroup);
    return namespace.isEmpty() ? head + " at the cluster scope" : head + " in the namespace " + GoStrings.quote(namespace);
  }

  /**
   * The apiserver's 403 for this request: {@code sanitizer.Replace(forbiddenMessage)} (HTML
   * metacharacters escaped), {@code ": " + reason} when the authorizer gave one, wrapped by
   * {@code errors.NewForbidden(GroupResource{apiGroup, resource}, name, err)}.
   */
  public ApiStatus forbidden(String reason) {
    String msg = sanitize(forbiddenMessage());
    if (reason != null && !reason.isEmpty()) {
      msg = msg + ": " + reason;
    }
    return ApiStatus.forbidden(apiGroup, resource, name, msg);
  }

  /** responsewriters' {@code strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")}. */
  static String sanitize(String s) {
    if (s.indexOf('&') < 0 && s.indexOf('<') < 0 && s.indexOf('>') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
