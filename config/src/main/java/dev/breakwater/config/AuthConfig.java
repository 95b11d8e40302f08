package dev.breakwater.config;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use Breakwater and as whom it acts upstream (issue 14).
 *
 * <ul>
 *   <li>{@link Mode#NONE} — today's behaviour: every client acts with Breakwater's own credentials.
 *       Allowed only on a loopback listener (a sidecar, {@code kubectl proxy}'s model).
 *   <li>{@link Mode#DELEGATED} — every client is authenticated (bearer tokens by TokenReview, x509
 *       client certificates against {@code clientCaFile}, optionally the front-proxy request-header
 *       scheme) and every read the cache may answer is authorized by SubjectAccessReview; pass-through
 *       carries the client's identity. Requires TLS on the listener.
 * </ul>
 *
 * @param mode the {@code --auth} mode
 * @param clientCaFile {@code --client-ca-file}: CA bundle that signs client certificates (user = CN, groups = O)
 * @param requestHeaderCaFile {@code --requestheader-client-ca-file}: CA of front proxies allowed to send X-Remote-*
 * @param requestHeaderAllowedNames {@code --requestheader-allowed-names}: front-proxy CNs; empty = any from that CA
 * @param requestHeaderUsernameHeaders {@code --requestheader-username-headers}
 * @param requestHeaderGroupHeaders {@code --requestheader-group-headers}
 * @param requestHeaderExtraPrefixes {@code --requestheader-extra-headers-prefix}
 * @param anonymous {@code --anonymous-auth}: requests without credentials act as system:anonymous
 * @param audiences {@code --authentication-audiences}: TokenReview spec.audiences; empty = the upstream's default
 * @param tokenCacheTtl {@code --authentication-token-webhook-cache-ttl}: how long an authenticated token is trusted
 * @param tokenCacheNegativeTtl {@code --authentication-token-webhook-cache-negative-ttl}: how long a rejected token stays rejected
 * @param allowCacheTtl {@code --authorization-webhook-cache-authorized-ttl}
 * @param denyCacheTtl {@code --authorization-webhook-cache-unauthorized-ttl}
 * @param reviewTimeout {@code --auth-review-timeout}: bound on one TokenReview or SubjectAccessReview
 */
public record AuthConfig(
    Mode mode,
    Optional<Path> clientCaFile,
    Optional<Path> requestHeaderCaFile,
    List<String> requestHeaderAllowedNames,
    List<String> requestHeaderUsernameHeaders,
    List<String> requestHeaderGroupHeaders,
    List<String> requestHeaderExtraPrefixes,
    boolean anonymous,
    List<String> audiences,
    Duration tokenCacheTtl,
    Duration tokenCacheNegativeTtl,
    Duration allowCacheTtl,
    Duration denyCacheTtl,
    Duration reviewTimeout) {

  /** {@code --auth} values. */
  public enum Mode {
    NONE, DELEGATED;

    /** The flag's spelling ({@code none}, {@code delegated}), as help and config-file errors list it. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a flag value (case-insensitive); throws IllegalArgumentException naming the valid values. */
    public static Mode parse(String s) {
      return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
        case "none" -> NONE;
        case "delegated" -> DELEGATED;
        default -> throw new IllegalArgumentException("--auth must be none or delegated, got \"" + s + "\"");
      };
    }
  }

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  /** {@code --auth=none}: Breakwater's own identity for everyone. */
  public static final AuthConfig NONE = new AuthConfig(Mode.NONE, Optional.empty(), Optional.empty(), List.of(),
      List.of("X-Remote-User"), List.of("X-Remote-Group"), List.of("X-Remote-Extra-"), false, List.of(),
      DEFAULT_TTL, DEFAULT_TTL, DEFAULT_TTL, DEFAULT_TTL, DEFAULT_TTL);

  public AuthConfig {
    requestHeaderAllowedNames = List.copyOf(requestHeaderAllowedNames);
    requestHeaderUsernameHeaders = List.copyOf(requestHeaderUsernameHeaders);
    requestHeaderGroupHeaders = List.copyOf(requestHeaderGroupHeaders);
    requestHeaderExtraPrefixes = List.copyOf(requestHeaderExtraPrefixes);
    audiences = List.copyOf(audiences);
  }

  public boolean delegated() {
    return mode == Mode.DELEGATED;
  }

  /** True when Breakwater impersonates clients upstream (certificate or front-proxy clients, or anonymous). */
  public boolean impersonates() {
    return delegated() && (clientCaFile.isPresent() || requestHeaderCaFile.isPresent() || anonymous);
  }

  /**
   * One message per problem with these flags for a listener at {@code listen}; empty when usable.
   * {@code --auth=none} on a non-loopback address is refused in one line naming the flag.
   */
  public List<String> validate(HostPort listen, boolean tls) {
    List<String> errors = new ArrayList<>();
    if (mode == Mode.NONE) {
      if (!isLoopback(listen.host())) {
        errors.add("--auth=none is only allowed on a loopback --listen address (got " + listen
            + "): every client would act with Breakwater's credentials; use --auth=delegated");
      }
      return errors;
    }
    if (!tls) {
      errors.add("--auth=delegated requires --tls-cert and --tls-key");
    }
    clientCaFile.filter(p -> !Files.isReadable(p)).ifPresent(p -> errors.add("cannot read --client-ca-file " + p));
    requestHeaderCaFile.filter(p -> !Files.isReadable(p))
        .ifPresent(p -> errors.add("cannot read --requestheader-client-ca-file " + p));
    if (requestHeaderCaFile.isPresent() && requestHeaderUsernameHeaders.isEmpty()) {
      errors.add("--requestheader-username-headers must name at least one header");
    }
    for (var d : List.of(tokenCacheTtl, tokenCacheNegativeTtl, allowCacheTtl, denyCacheTtl)) {
      if (d.isNegative()) {
        errors.add("auth cache TTLs must not be negative");
        break;
      }
    }
    if (reviewTimeout.isNegative() || reviewTimeout.isZero()) {
      errors.add("--auth-review-timeout must be positive");
    }
    return errors;
  }

  /**
   * Loopback by literal only (127.0.0.0/8, ::1, localhost): no DNS lookup decides who may reach an
   * unauthenticated listener.
   */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (Exception e) {
      return false;
    }
  }
}
