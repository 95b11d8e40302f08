package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthConfigTest {

  @Test
  void noneIsRefusedOffLoopbackInOneLineNamingTheFlag() {
    for (String host : List.of("0.0.0.0", "::", "10.1.2.3", "example.com", "cafe")) {
      List<String> errors = AuthConfig.NONE.validate(new HostPort(host, 8001), false);
      assertThat(errors).as(host).hasSize(1);
      assertThat(errors.getFirst()).startsWith("--auth=none is only allowed on a loopback --listen address").doesNotContain("\n");
    }
    for (String host : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
      assertThat(AuthConfig.NONE.validate(new HostPort(host, 8001), false)).as(host).isEmpty();
    }
  }

  @Test
  void delegatedNeedsTls() {
    AuthConfig d = new AuthConfig(AuthConfig.Mode.DELEGATED, Optional.empty(), Optional.empty(), List.of(), List.of("X-Remote-User"),
        List.of(), List.of(), false, List.of(), AuthConfig.DEFAULT_TTL, AuthConfig.DEFAULT_TTL, AuthConfig.DEFAULT_TTL,
        AuthConfig.DEFAULT_TTL, AuthConfig.DEFAULT_TTL);
    assertThat(d.validate(new HostPort("0.0.0.0", 443), false)).containsExactly("--auth=delegated requires --tls-cert and --tls-key");
    assertThat(d.validate(new HostPort("0.0.0.0", 443), true)).isEmpty();
  }

  @Test
  void modeParsing() {
    assertThat(AuthConfig.Mode.parse("Delegated")).isEqualTo(AuthConfig.Mode.DELEGATED);
    assertThatThrownBy(() -> AuthConfig.Mode.parse("webhook")).hasMessageContaining("--auth must be none or delegated");
  }
}
