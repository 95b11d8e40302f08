package dev.breakwater.bench.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a LIST is asked to be encoded: what the client adds to the query and sends as Accept, and
 * the Content-Type every arm must answer with. The same request goes to every arm.
 *
 * @param key short name, used in scenario ids ({@code S1-protobuf}) and file names
 * @param label what the report calls it
 * @param query appended to a query that already has parameters ({@code "&pretty=true"}), or empty
 * @param accept the Accept header
 * @param contentType the Content-Type expected back (compared without case or spaces); the
 *     apiserver answers a Table with plain {@code application/json}
 * @param bodyStart how the body must start, {@code %s} standing for the list's kind: the
 *     Content-Type alone does not tell a Table, or indented JSON, from a plain list
 */
public record Representation(String key, String label, String query, String accept, String contentType, String bodyStart) {

  public static final Representation JSON =
      new Representation("json", "JSON", "", "application/json", "application/json", "{\"kind\":\"%s\"");

  /** Indented JSON: the apiserver encodes the whole list into one buffer before writing it. */
  public static final Representation PRETTY = new Representation("pretty", "indented JSON (pretty=true)", "&pretty=true",
      "application/json", "application/json", "{\n  \"kind\": \"%s\"");

  /** The apiserver's protobuf envelope: the magic {@code k8s\0}, then a runtime.Unknown. */
  public static final Representation PROTOBUF = new Representation("protobuf", "protobuf", "",
      "application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf", "k8s\u0000");

  /** kubectl get's Accept: a meta.k8s.io Table (v1, else v1beta1), else plain JSON. */
  public static final Representation TABLE = new Representation("table", "Table (kubectl get's Accept)", "",
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
      "application/json", "{\"kind\":\"Table\"");

  public static final List<Representation> ALL = List.of(JSON, PRETTY, PROTOBUF, TABLE);

  /** Whether a response's Content-Type header (absent: null) is the expected one. */
  public boolean matches(String responseContentType) {
    return responseContentType != null && normalize(responseContentType).equals(normalize(contentType));
  }

  /** Whether a body that starts with {@code head} is this representation of a list of {@code listKind}. */
  public boolean startsBody(byte[] head, String listKind) {
    byte[] want = String.format(Locale.ROOT, bodyStart, listKind).getBytes(StandardCharsets.UTF_8);
    return head.length >= want.length && Arrays.equals(head, 0, want.length, want, 0, want.length);
  }

  private static String normalize(String mediaType) {
    return mediaType.replace(" ", "").toLowerCase(Locale.ROOT);
  }
}
