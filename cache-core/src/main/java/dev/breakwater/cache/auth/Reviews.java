package dev.breakwater.cache.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies Breakwater sends to the upstream to authenticate a token
 * ({@code authentication.k8s.io/v1} TokenReview) and to authorize a request
 * ({@code authorization.k8s.io/v1} SubjectAccessReview), and the reading of their answers, as the
 * apiserver's delegated webhook clients ({@code plugin/pkg/authenticator/token/webhook},
 * {@code plugin/pkg/authorizer/webhook}) do.
 *
 * <p>Bad input: an answer that is not JSON, or lacks {@code status}, throws
 * {@link MalformedReviewException}; the caller fails closed (401 for a token, 500/403 for a decision).
 * Pure; thread-safe.
 */
public final class Reviews {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Reviews() {}

  /** The answer of a TokenReview: the user when authenticated (and the audiences match), else empty. */
  public record TokenResult(Optional<UserInfo> user, String error) {
    public boolean authenticated() {
      return user.isPresent();
    }

    public static TokenResult rejected(String error) {
      return new TokenResult(Optional.empty(), error == null ? "" : error);
    }
  }

  /** A SubjectAccessReview answer: allowed, or not (denied or no opinion), with the authorizer's reason. */
  public record Decision(boolean allowed, String reason) {}

  public static final class MalformedReviewException extends Exception {
    public MalformedReviewException(String message) {
      super(message);
    }
  }

  public static byte[] tokenReview(String token, List<String> audiences) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
    ObjectNode spec = root.putObject("spec");
    spec.put("token", token);
    if (!audiences.isEmpty()) {
      ArrayNode a = spec.putArray("audiences");
      audiences.forEach(a::add);
    }
    return bytes(root);
  }

  /**
   * Reads a TokenReview answer. Authenticated only when {@code status.authenticated} is true and,
   * when {@code audiences} were requested, the answer names one of them (webhook.go).
   */
  public static TokenResult tokenResult(byte[] body, List<String> audiences) throws MalformedReviewException {
    JsonNode status = status(body);
    if (!status.path("authenticated").asBoolean(false)) {
      return TokenResult.rejected(status.path("error").asText(""));
    }
    if (!audiences.isEmpty()) {
      List<String> got = strings(status.path("audiences"));
      if (!got.isEmpty() && got.stream().noneMatch(audiences::contains)) {
        return TokenResult.rejected("token audiences " + got + " is invalid for the target audiences " + audiences);
      }
    }
    JsonNode u = status.path("user");
    Map<String, List<String>> extra = new LinkedHashMap<>();
    u.path("extra").properties().forEach(e -> extra.put(e.getKey(), strings(e.getValue())));
    return new TokenResult(Optional.of(new UserInfo(u.path("username").asText(""), u.path("uid").asText(""),
        strings(u.path("groups")), extra)), "");
  }

  public static byte[] subjectAccessReview(Attributes a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SubjectAccessReview");
    ObjectNode spec = root.putObject("spec");
    if (a.resourceRequest()) {
      ObjectNode r = spec.putObject("resourceAttributes");
      putIfSet(r, "namespace", a.namespace());
      putIfSet(r, "verb", a.verb());
      putIfSet(r, "group", a.apiGroup());
      putIfSet(r, "version", a.apiVersion());
      putIfSet(r, "resource", a.resource());
      putIfSet(r, "subresource", a.subresource());
      putIfSet(r, "name", a.name());
    } else {
      ObjectNode n = spec.putObject("nonResourceAttributes");
      putIfSet(n, "path", a.path());
      putIfSet(n, "verb", a.verb());
    }
    UserInfo u = a.user();
    putIfSet(spec, "user", u.name());
    if (!u.groups().isEmpty()) {
      ArrayNode g = spec.putArray("groups");
      u.groups().forEach(g::add);
    }
    if (!u.extra().isEmpty()) {
      ObjectNode e = spec.putObject("extra");
      u.extra().forEach((k, v) -> {
        ArrayNode values = e.putArray(k);
        v.forEach(values::add);
      });
    }
    putIfSet(spec, "uid", u.uid());
    return bytes(root);
  }

  /** Reads a SubjectAccessReview answer: allowed only when {@code status.allowed} is true. */
  public static Decision decision(byte[] body) throws MalformedReviewException {
    JsonNode status = status(body);
    boolean allowed = status.path("allowed").asBoolean(false) && !status.path("denied").asBoolean(false);
    return new Decision(allowed, status.path("reason").asText(""));
  }

  private static JsonNode status(byte[] body) throws MalformedReviewException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new MalformedReviewException("malformed review response: " + e.getMessage());
    }
    if (root == null || !root.path("status").isObject()) {
      throw new MalformedReviewException("review response has no status");
    }
    return root.path("status");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText("")));
    }
    return out;
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(field, value);
    }
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
