package dev.breakwater.cache.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.status.Result;

/**
 * What a request addresses, parsed from its method, path and query exactly as the apiserver's
 * {@code RequestInfoFactory.NewRequestInfo} (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go)
 * does: API prefix, group, version, namespace, resource, name, subresource and the verb
 * (get, list, watch, create, update, patch, delete, deletecollection, proxy, …).
 *
 * <p>{@code name} is the object the path names; {@code authorizedName} is the name the apiserver
 * puts into the request's authorization attributes: the path's, or for a LIST or WATCH of a
 * collection the value of a {@code metadata.name=…} field selector ({@code kubectl get cm x -w}),
 * when the ListOptions decode and it is a valid path segment — so an RBAC rule with
 * {@code resourceNames} allows such a read exactly as upstream. {@code watch} reads as ListOptions
 * decodes it ({@code runtime.Convert_Slice_string_To_bool}: any first value but {@code 0} or a
 * case of {@code false}); when the ListOptions do not decode, the apiserver falls back to
 * {@code strings.ToLower(watch)} not {@code false}/{@code 0}, and no name from the selector.
 *
 * <p>This is how the proxy tells a cacheable read (list, watch, get of a resource without a
 * subresource) from everything else, which passes through. Never throws: a path it cannot
 * classify is a non-resource request (it passes through unchanged).
 */
public record RequestInfo(
    boolean resourceRequest,
    String verb,
    String apiPrefix,
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    boolean verbViaPath,
    String authorizedName) {

  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  public static RequestInfo parse(String method, String path, String query) {
    String lowerMethod = method.toLowerCase(Locale.ROOT);
    RequestInfo nonResource = new RequestInfo(false, lowerMethod, "", "", "", "", "", "", "", false, "");
    List<String> parts = splitPath(path);
    if (parts.size() < 3 || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
      return nonResource;
    }
    String prefix = parts.get(0);
    parts = parts.subList(1, parts.size());
    String group = "";
    if (prefix.equals("apis")) {
      if (parts.size() < 3) {
        return nonResource;
      }
      group = parts.get(0);
      parts = parts.subList(1, parts.size());
    }
    String version = parts.get(0);
    parts = parts.subList(1, parts.size());

    String verb;
    boolean viaPath = false;
    if (SPECIAL_VERBS.contains(parts.get(0))) {
      if (parts.size() < 2) {
        // "unable to determine kind and namespace from url": the apiserver answers it.
        return nonResource;
      }
      verb = parts.get(0);
      parts = parts.subList(1, parts.size());
      viaPath = true;
    } else {
      verb = switch (method) { // Go's switch on req.Method: case-sensitive
        case "POST" -> "create";
        case "GET", "HEAD" -> "get";
        case "PUT" -> "update";
        case "PATCH" -> "patch";
        case "DELETE" -> "delete";
        default -> "";
      };
    }

    String namespace = "";
    if (parts.get(0).equals("namespaces")) {
      if (parts.size() > 1) {
        namespace = parts.get(1);
        if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
          parts = parts.subList(2, parts.size());
        }
      }
    }

    String resource = "";
    String name = "";
    String subresource = "";
    if (parts.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(verb)) {
      subresource = parts.get(2);
    }
    if (parts.size() >= 2) {
      name = parts.get(1);
    }
    if (!parts.isEmpty()) {
      resource = parts.get(0);
    }

    String authorizedName = name;
    if (name.isEmpty() && verb.equals("get")) {
      GoQuery q = GoQuery.parse(query);
      FieldSelector listFields = listOptionsFieldSelector(q);
      boolean watch;
      if (listFields != null) {
        watch = q.has("watch") && dev.breakwater.cache.golang.GoStrconv.queryBool(q.first("watch"));
        authorizedName = listFields.requiresExactMatch("metadata.name").filter(RequestInfo::isPathSegmentName).orElse("");
      } else {
        // "An error in parsing request will result in default to list": only watch is read, lower-cased.
        String w = q.first("watch");
        watch = w != null && !w.toLowerCase(Locale.ROOT).equals("false") && !w.equals("0");
      }
      verb = watch ? "watch" : "list";
    }
    if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new RequestInfo(true, verb, prefix, group, version, namespace, resource, name, subresource, viaPath, authorizedName);
  }

  /**
   * The field selector of the request's ListOptions as {@code DecodeParameters} converts them
   * (the empty selector when none is given), or null when that decoding fails:
   * {@code timeoutSeconds} or {@code limit} not an int64, or a label or field selector that does
   * not parse.
   */
  private static FieldSelector listOptionsFieldSelector(GoQuery q) {
    for (String n : new String[] {"timeoutSeconds", "limit"}) {
      if (q.has(n) && !dev.breakwater.cache.golang.GoStrconv.parseInt(q.first(n)).ok()) {
        return null;
      }
    }
    if (!LabelSelector.parse(q.firstOrEmpty("labelSelector")).isOk()) {
      return null;
    }
    Result<FieldSelector> f = FieldSelector.parse(q.firstOrEmpty("fieldSelector"));
    return f.isOk() ? f.value() : null;
  }

  /** {@code content.IsPathSegmentName}: not "." or "..", no "/" or "%". */
  static boolean isPathSegmentName(String name) {
    return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('%') < 0;
  }

  /**
   * This request with the namespace its objects are stored under. The apiserver's RequestInfo
   * gives a Namespace's own path ({@code /api/v1/namespaces/foo}, {@code …/foo/status}) the
   * namespace {@code foo}; Namespaces are cluster-scoped, so the object is read without one.
   * Every other request — {@code /api/v1/namespaces/foo/namespaces/foo} included, a path the
   * apiserver has no route for — is returned as it is.
   */
  public RequestInfo storageScoped(String path) {
    if (!resourceRequest || !group.isEmpty() || !resource.equals("namespaces") || namespace.isEmpty() || !namespace.equals(name)) {
      return this;
    }
    List<String> parts = splitPath(path);
    boolean own = parts.size() >= 4 && parts.size() <= 5 && parts.get(2).equals("namespaces");
    return own ? new RequestInfo(true, verb, apiPrefix, group, version, "", resource, name, subresource, verbViaPath, authorizedName) : this;
  }

  /** The first value of {@code name} in a raw query string, decoded as Go's url.ParseQuery does ({@link GoQuery}); null when absent. */
  public static String firstParam(String query, String name) {
    return GoQuery.parse(query).first(name);
  }

  /** Go's splitPath: trim slashes, split on "/", an empty path is no parts. */
  static List<String> splitPath(String path) {
    String p = path == null ? "" : path;
    int start = 0;
    int end = p.length();
    while (start < end && p.charAt(start) == '/') {
      start++;
    }
    while (end > start && p.charAt(end - 1) == '/') {
      end--;
    }
    List<String> out = new ArrayList<>();
    if (start == end) {
      return out;
    }
    for (String s : p.substring(start, end).split("/", -1)) {
      out.add(s);
    }
    return out;
  }

  /** A read Breakwater may serve from a cache: list, watch or get of a resource, no subresource. */
  public boolean cacheableRead() {
    return resourceRequest && subresource.isEmpty()
        && (verb.equals("list") || verb.equals("watch") || verb.equals("get"));
  }
}
