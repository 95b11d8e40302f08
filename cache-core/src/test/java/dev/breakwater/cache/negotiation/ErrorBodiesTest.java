package dev.breakwater.cache.negotiation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.status.ApiStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Error Statuses in YAML, as the apiserver's ErrorNegotiated writes them for a YAML client
 * (the JSON Status through JSONToYAML; YamlE2ETest compares them with the apiserver's), and an
 * Accept that is not modelled left to the upstream.
 */
class ErrorBodiesTest {

  static String yaml(ApiStatus s) {
    var e = ErrorBodies.encode(s, "application/yaml", false).orElseThrow();
    assertThat(e.contentType()).isEqualTo("application/yaml");
    assertThat(e.code()).isEqualTo(s.code());
    return new String(e.body(), StandardCharsets.UTF_8);
  }

  @Test
  void statusesInYaml() {
    assertThat(yaml(ApiStatus.unauthorized())).isEqualTo("apiVersion: v1\ncode: 401\nkind: Status\nmessage: Unauthorized\nmetadata: {}\n"
        + "reason: Unauthorized\nstatus: Failure\n");
    assertThat(yaml(ApiStatus.notFound("", "configmaps", "nope"))).isEqualTo("""
        apiVersion: v1
        code: 404
        details:
          kind: configmaps
          name: nope
        kind: Status
        message: configmaps "nope" not found
        metadata: {}
        reason: NotFound
        status: Failure
        """);
    var tooLarge = ErrorBodies.encode(ApiStatus.tooLargeResourceVersion(99, 7, 1), "application/yaml", true).orElseThrow();
    assertThat(tooLarge.retryAfterSeconds()).isEqualTo(1);
    assertThat(new String(tooLarge.body(), StandardCharsets.UTF_8)).contains("  retryAfterSeconds: 1\n", "code: 504\n");
  }

  @Test
  void anAcceptNotModelledIsLeftUpstream() {
    assertThat(ErrorBodies.negotiable("application/json;q=1e0")).isFalse();
    assertThat(ErrorBodies.encode(ApiStatus.unauthorized(), "application/json;q=1e0", false)).isEmpty();
    assertThat(ErrorBodies.negotiable("application/yaml")).isTrue();
  }
}
