package dev.breakwater.cache.negotiation;

import dev.breakwater.cache.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The apiserver's content negotiation for reads ({@code NegotiateMediaTypeOptions} in
 * k8s.io/apiserver handlers/negotiation, with goautoneg's Accept parsing and ordering and
 * {@code RequestScope.AllowsMediaTypeTransform}), reduced to what the cache serves: JSON objects,
 * protobuf objects of built-in types, PartialObjectMetadata(List) in JSON or protobuf, and
 * Table in JSON ({@link Kind#TABLE}; whether the resource has a convertor is decided later); and
 * for LIST and GET, objects and PartialObjectMetadata(List) in YAML ({@link Representation#yaml}:
 * the JSON the kind names, converted as the apiserver's YAML serializer converts it).
 * Nothing acceptable (protobuf Table, protobuf for a custom resource, unknown conversions) is
 * {@link Kind#NOT_ACCEPTABLE}, answered at the edge with the apiserver's 406. Every other outcome —
 * a WATCH in YAML (the apiserver has no YAML stream serializer: its 406, in YAML), Table in YAML,
 * {@code sv}/{@code export} — is {@link Kind#OTHER}: the request goes upstream, whose answer is
 * exact by construction.
 *
 * <p>Also here: go-restful's coarser Accept check, which built-in routes make before the handler
 * negotiates ({@link #routeAccepts}), and the negotiation of an error Status
 * ({@link #errorEncoding}), which the apiserver makes afresh with the default restrictions.
 *
 * <p>Pure functions; safe from any thread.
 */
public final class Negotiation {

  private Negotiation() {}

  /** What the apiserver would answer with, as far as the cache is concerned. */
  public enum Kind {
    JSON, PROTOBUF, JSON_PARTIAL_OBJECT_METADATA, JSON_PARTIAL_OBJECT_METADATA_LIST,
    PROTOBUF_PARTIAL_OBJECT_METADATA, PROTOBUF_PARTIAL_OBJECT_METADATA_LIST,
    /** {@code application/json;as=Table;g=meta.k8s.io;v=v1|v1beta1}, for LIST, GET and WATCH alike. */
    TABLE,
    /** No clause is acceptable: the apiserver's 406 ({@code NewNotAcceptableError}). */
    NOT_ACCEPTABLE,
    OTHER
  }

  /**
   * The negotiated representation: its kind, the {@code meta.k8s.io} version of a conversion
   * ({@code v1} or {@code v1beta1}), whether the media type asked for {@code pretty=1}, and
   * {@code yaml}: the body is the kind's JSON ({@link Kind#JSON},
   * {@link Kind#JSON_PARTIAL_OBJECT_METADATA} or {@link Kind#JSON_PARTIAL_OBJECT_METADATA_LIST})
   * converted to YAML, {@code application/yaml} ({@code pretty} is ignored, as the apiserver's
   * YAML serializer ignores it). Only for LIST and GET.
   */
  public record Representation(Kind kind, String metaVersion, boolean prettyParam, boolean yaml) {
    static final Representation JSON = new Representation(Kind.JSON, "", false);
    static final Representation OTHER = new Representation(Kind.OTHER, "", false);
    static final Representation NOT_ACCEPTABLE = new Representation(Kind.NOT_ACCEPTABLE, "", false);

    public Representation(Kind kind, String metaVersion, boolean prettyParam) {
      this(kind, metaVersion, prettyParam, false);
    }

    public boolean partialObjectMetadata() {
      return switch (kind) {
        case JSON_PARTIAL_OBJECT_METADATA, JSON_PARTIAL_OBJECT_METADATA_LIST, PROTOBUF_PARTIAL_OBJECT_METADATA,
             PROTOBUF_PARTIAL_OBJECT_METADATA_LIST -> true;
        default -> false;
      };
    }

    public boolean protobuf() {
      return kind == Kind.PROTOBUF || kind == Kind.PROTOBUF_PARTIAL_OBJECT_METADATA || kind == Kind.PROTOBUF_PARTIAL_OBJECT_METADATA_LIST;
    }

    /** {@code meta.k8s.io/v1} (or v1beta1): the apiVersion PartialObjectMetadata and Table are written with. */
    public String metaApiVersion() {
      return "meta.k8s.io/" + metaVersion;
    }
  }

  /**
   * Whether the cache answers representation {@code rep} for {@code verb}: JSON, protobuf and Table
   * always; PartialObjectMetadata for GET and WATCH, PartialObjectMetadataList for LIST (the other
   * pairings are the apiserver's 406s, worded with Go type names: upstream).
   */
  public static boolean servedFromCache(Representation rep, String verb) {
    return switch (rep.kind()) {
      case JSON, PROTOBUF, TABLE -> true;
      case JSON_PARTIAL_OBJECT_METADATA, PROTOBUF_PARTIAL_OBJECT_METADATA -> !verb.equals("list");
      case JSON_PARTIAL_OBJECT_METADATA_LIST, PROTOBUF_PARTIAL_OBJECT_METADATA_LIST -> verb.equals("list");
      case NOT_ACCEPTABLE, OTHER -> false;
    };
  }

  /** One Accept clause as goautoneg parses it: case kept, q defaulting to 1, params without q. */
  record Clause(String type, String subType, double q, java.util.Map<String, String> params) {}

  /** The serializers a resource answers reads with, in the apiserver's order. */
  private static final String[][] ACCEPTED = {{"application", "json"}, {"application", "yaml"},
      {"application", "vnd.kubernetes.protobuf"}};

  /**
   * The representation the apiserver picks for {@code accept}. {@code builtIn}: custom resources
   * serve only JSON and YAML as themselves (protobuf only for conversions); {@code watch}: a
   * {@code stream=watch} parameter is only meaningful on a watch.
   */
  public static Representation negotiate(String accept, boolean builtIn, boolean watch) {
    if (accept == null || accept.isEmpty()) {
      return Representation.JSON;
    }
    List<Clause> clauses = parseAccept(accept);
    if (clauses == null) {
      return Representation.OTHER;
    }
    for (Clause c : clauses) {
      for (String[] a : ACCEPTED) {
        boolean match = c.type().equals(a[0]) && (c.subType().equals(a[1]) || c.subType().equals("*"))
            || c.type().equals("*") && c.subType().equals("*");
        if (!match) {
          continue;
        }
        Representation r = options(c.params(), a[1], builtIn, watch);
        if (r != null) {
          return r;
        }
      }
    }
    return Representation.NOT_ACCEPTABLE;
  }

  /** What every resource's reads are served in (MediaTypesForSerializer; CBOR is off in 1.36). */
  public static final List<String> MEDIA_TYPES = List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");

  /**
   * What a built-in resource's go-restful route produces: its media types, and for the LIST route
   * (which serves watches too) their stream variants (installer.go).
   */
  public static List<String> routeProduces(String verb) {
    return verb.equals("get") ? MEDIA_TYPES : List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf",
        "application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch");
  }

  /**
   * go-restful's {@code Route.matchesAccept} for a built-in route (empty Accept is {@code *}{@code /*}):
   * some clause, parameters cut off and spaces trimmed, is {@code *}{@code /*} or exactly one of the
   * types the route produces — case-sensitive, no wildcard subtypes, q ignored. False = go-restful's 406,
   * before the handler negotiates anything.
   */
  public static boolean routeAccepts(String accept, String verb) {
    if (accept == null || accept.isEmpty()) {
      return true;
    }
    List<String> produces = routeProduces(verb);
    for (String clause : accept.split(",", -1)) {
      int semi = clause.indexOf(';');
      String mime = trimSpaces(semi < 0 ? clause : clause.substring(0, semi));
      if (mime.equals("*/*") || produces.contains(mime)) {
        return true;
      }
    }
    return false;
  }

  /** How the apiserver encodes an error Status for a request ({@link #errorEncoding}). */
  public enum ErrorEncoding {
    JSON, PRETTY_JSON, PROTOBUF,
    /** YAML: the JSON Status through the apiserver's JSON→YAML conversion ({@code codec.yaml.JsonToYaml}). */
    YAML,
    /** An Accept this model does not parse (over 12 clauses, an odd q): the apiserver words it. */
    UNMODELLED,
    /** Nothing acceptable: {@code WriteRawJSON}, indented, whatever was asked. */
    RAW_JSON
  }

  /**
   * {@code ErrorNegotiated}: the Status is negotiated afresh over JSON, YAML and protobuf with
   * {@code DefaultEndpointRestrictions} — no conversions ({@code as/g/v}), no {@code sv}, only
   * {@code stream=watch} (and not for YAML); empty Accept is JSON. JSON is indented for
   * {@code pretty=1} or a pretty request ({@link #pretty}).
   */
  public static ErrorEncoding errorEncoding(String accept, boolean prettyRequest) {
    if (accept == null || accept.isEmpty()) {
      return prettyRequest ? ErrorEncoding.PRETTY_JSON : ErrorEncoding.JSON;
    }
    List<Clause> clauses = parseAccept(accept);
    if (clauses == null) {
      return ErrorEncoding.UNMODELLED;
    }
    for (Clause c : clauses) {
      for (String[] a : ACCEPTED) {
        boolean match = c.type().equals(a[0]) && (c.subType().equals(a[1]) || c.subType().equals("*"))
            || c.type().equals("*") && c.subType().equals("*");
        if (!match) {
          continue;
        }
        boolean ok = true;
        boolean pretty = false;
        for (var e : c.params().entrySet()) {
          String val = e.getValue();
          switch (e.getKey()) {
            case "as", "g", "v" -> ok = false;
            case "stream" -> ok &= val.isEmpty() || (val.equals("watch") && !a[1].equals("yaml"));
            case "sv" -> ok &= val.isEmpty();
            case "pretty" -> pretty = val.equals("1");
            default -> { }
          }
        }
        if (ok) {
          return switch (a[1]) {
            case "json" -> pretty || prettyRequest ? ErrorEncoding.PRETTY_JSON : ErrorEncoding.JSON;
            case "yaml" -> ErrorEncoding.YAML;
            default -> ErrorEncoding.PROTOBUF;
          };
        }
      }
    }
    return ErrorEncoding.RAW_JSON;
  }

  /** acceptMediaTypeOptions + AllowsMediaTypeTransform for one clause and serializer; null = skip. */
  private static Representation options(java.util.Map<String, String> params, String subType, boolean builtIn, boolean watch) {
    String as = null;
    String g = null;
    String v = null;
    boolean convert = false;
    boolean pretty = false;
    boolean other = false;
    for (var e : params.entrySet()) {
      String val = e.getValue();
      switch (e.getKey()) {
        case "as" -> {
          convert = true;
          as = val;
        }
        case "g" -> {
          convert = true;
          g = val;
        }
        case "v" -> {
          convert = true;
          v = val;
        }
        case "stream" -> {
          if (!val.isEmpty() && (subType.equals("yaml") || !val.equals("watch"))) {
            return null;
          }
          other |= !val.isEmpty() && !watch;
        }
        case "sv" -> {
          if (!val.isEmpty() && !val.equals("v1")) {
            return null;
          }
          other |= !val.isEmpty();
        }
        case "export" -> other = true;
        case "pretty" -> pretty = val.equals("1");
        default -> { } // profile and unrecognized keys change nothing for a read
      }
    }
    if (!convert) {
      if (!builtIn && subType.equals("vnd.kubernetes.protobuf")) {
        return null; // custom resources: StandardSerializers are JSON and YAML
      }
      if (other) {
        return Representation.OTHER;
      }
      return switch (subType) {
        case "json" -> new Representation(Kind.JSON, "", pretty);
        case "vnd.kubernetes.protobuf" -> new Representation(Kind.PROTOBUF, "", false);
        // YAML has no stream serializer: a watch gets the apiserver's 406 (in YAML), from upstream
        case "yaml" -> watch ? Representation.OTHER : new Representation(Kind.JSON, "", false, true);
        default -> Representation.OTHER;
      };
    }
    if (!"meta.k8s.io".equals(g) || !("v1".equals(v) || "v1beta1".equals(v))) {
      return null;
    }
    switch (as == null ? "" : as) {
      case "Table" -> {
        if (!subType.equals("json") && !subType.equals("yaml")) {
          return null;
        }
        return other || subType.equals("yaml") ? Representation.OTHER : new Representation(Kind.TABLE, v, pretty);
      }
      case "PartialObjectMetadata", "PartialObjectMetadataList" -> {
        boolean list = as.endsWith("List");
        boolean yaml = subType.equals("yaml");
        if (other || yaml && watch) {
          return Representation.OTHER;
        }
        Kind k = !subType.equals("vnd.kubernetes.protobuf")
            ? (list ? Kind.JSON_PARTIAL_OBJECT_METADATA_LIST : Kind.JSON_PARTIAL_OBJECT_METADATA)
            : (list ? Kind.PROTOBUF_PARTIAL_OBJECT_METADATA_LIST : Kind.PROTOBUF_PARTIAL_OBJECT_METADATA);
        return new Representation(k, v, !yaml && pretty, yaml);
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * goautoneg.ParseAccept: clauses split on ',' and ';', {@code q} parsed (a bad q is 0), then
   * sorted with its (non-strict) order by insertion sort, which is what Go's {@code sort.Sort}
   * does for up to 12 clauses. Longer headers, or q values that are not plain decimals, return
   * null (not modelled).
   */
  static List<Clause> parseAccept(String header) {
    List<Clause> out = new ArrayList<>();
    for (String raw : header.split(",", -1)) {
      String part = trimSpaces(raw);
      if (part.isEmpty()) {
        continue;
      }
      String[] semi = part.split(";", -1);
      String mediaRange = semi[0];
      String[] slash = mediaRange.split("/", -1);
      String type = trimSpaces(slash[0]);
      String subType;
      if (slash.length == 1) {
        if (!type.equals("*")) {
          continue;
        }
        subType = "*";
      } else if (slash.length == 2) {
        subType = trimSpaces(slash[1]);
      } else {
        continue;
      }
      double q = 1.0;
      java.util.Map<String, String> params = new java.util.HashMap<>();
      for (int i = 1; i < semi.length; i++) {
        String[] kv = semi[i].split("=", -1);
        if (kv.length != 2) {
          continue;
        }
        String token = trimSpaces(kv[0]);
        if (token.equals("q")) {
          if (!kv[1].matches("[0-9]*\\.?[0-9]+|[0-9]+\\.")) {
            return null;
          }
          q = (float) Double.parseDouble(kv[1]);
        } else {
          params.put(token, trimSpaces(kv[1]));
        }
      }
      out.add(new Clause(type, subType, q, params));
    }
    if (out.size() > 12) {
      return null;
    }
    for (int i = 1; i < out.size(); i++) {
      for (int j = i; j > 0 && less(out.get(j), out.get(j - 1)); j--) {
        Clause t = out.get(j);
        out.set(j, out.get(j - 1));
        out.set(j - 1, t);
      }
    }
    return out;
  }

  private static boolean less(Clause a, Clause b) {
    if (a.q() > b.q()) {
      return true;
    }
    if (!a.type().equals("*") && b.type().equals("*")) {
      return true;
    }
    return !a.subType().equals("*") && b.subType().equals("*");
  }

  /** strings.TrimFunc(s, ' '): spaces only, not tabs. */
  private static String trimSpaces(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == ' ') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == ' ') {
      b--;
    }
    return s.substring(a, b);
  }

  /**
   * {@code isPrettyPrint} (k8s.io/apiserver handlers/negotiation): {@code pretty} if present and
   * non-empty decides (a value that is not a Go bool means false); else curl, Wget and browsers
   * (User-Agent prefix) get indented JSON.
   */
  public static boolean pretty(String query, String userAgent) {
    String q = query;
    if (q != null && q.contains("pretty")) {
      String v = RequestInfo.firstParam(q, "pretty");
      if (v != null && !v.isEmpty()) {
        return switch (v) {
          case "1", "t", "T", "true", "TRUE", "True" -> true;
          default -> false;
        };
      }
    }
    String ua = userAgent;
    return ua != null && (ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0"));
  }
}
