package dev.breakwater.cache.negotiation;

import dev.breakwater.cache.codec.StatusProtobuf;
import dev.breakwater.cache.codec.yaml.JsonToYaml;
import dev.breakwater.cache.status.ApiStatus;
import java.util.Arrays;
import java.util.Optional;

/**
 * The apiserver's {@code ErrorNegotiated} (k8s.io/apiserver handlers/responsewriters): an error
 * Status encoded for the request's Accept as {@link Negotiation#errorEncoding} negotiates it —
 * compact JSON + newline, indented JSON (also when nothing is acceptable: {@code WriteRawJSON}),
 * protobuf ({@code k8s\0} envelope), or YAML ({@code runtime.Encode} with the YAML serializer:
 * the JSON Status through {@link JsonToYaml}, {@code application/yaml}).
 *
 * <p>Pure; safe from any thread. Bad input (any Accept string) never throws: an Accept that
 * cannot be parsed ({@link Negotiation.ErrorEncoding#UNMODELLED}) is "not ours to write"
 * ({@link #encode} is empty): the request goes upstream, which words it.
 */
public final class ErrorBodies {

  private ErrorBodies() {}

  /**
   * A Status ready to write: status code, Content-Type, body and the Retry-After seconds (0 =
   * no header).
   */
  public record Encoded(int code, String contentType, byte[] body, int retryAfterSeconds) {}

  /** Whether {@link #encode} can answer a request with this Accept (false when it is not modelled). */
  public static boolean negotiable(String accept) {
    return Negotiation.errorEncoding(accept, false) != Negotiation.ErrorEncoding.UNMODELLED;
  }

  /** {@code s} as the apiserver writes it for {@code accept}; empty when the Accept is not modelled. */
  public static Optional<Encoded> encode(ApiStatus s, String accept, boolean prettyRequest) {
    byte[] body;
    String type = "application/json";
    switch (Negotiation.errorEncoding(accept, prettyRequest)) {
      case UNMODELLED -> {
        return Optional.empty();
      }
      case YAML -> {
        body = JsonToYaml.convert(s.toJson());
        type = "application/yaml";
      }
      case PROTOBUF -> {
        body = StatusProtobuf.encode(s);
        type = "application/vnd.kubernetes.protobuf";
      }
      case JSON -> {
        byte[] json = s.toJson();
        body = Arrays.copyOf(json, json.length + 1);
        body[json.length] = '\n';
      }
      default -> body = s.toPrettyJson();
    }
    return Optional.of(new Encoded(s.code(), type, body, s.retryAfterSeconds()));
  }
}
