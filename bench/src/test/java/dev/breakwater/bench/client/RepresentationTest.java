package dev.breakwater.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RepresentationTest {

  @Test
  void contentTypeIsComparedWithoutCaseOrSpaces() {
    assertThat(Representation.TABLE.matches("Application/JSON")).isTrue();
    assertThat(Representation.JSON.matches("application/vnd.kubernetes.protobuf")).isFalse();
    assertThat(Representation.PROTOBUF.matches("application/vnd.kubernetes.protobuf")).isTrue();
    assertThat(Representation.PROTOBUF.matches(null)).isFalse();
    assertThat(Representation.PROTOBUF.matches("application/vnd.kubernetes.protobuf ")).isTrue();
  }

  @Test
  void theBodysStartTellsTheRepresentationsApart() {
    byte[] table = "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\"".getBytes(StandardCharsets.UTF_8);
    byte[] list = "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\"".getBytes(StandardCharsets.UTF_8);
    byte[] pretty = "{\n  \"kind\": \"ConfigMapList\",\n".getBytes(StandardCharsets.UTF_8);
    assertThat(Representation.TABLE.startsBody(table, "ConfigMapList")).isTrue();
    assertThat(Representation.TABLE.startsBody(list, "ConfigMapList")).isFalse();
    assertThat(Representation.JSON.startsBody(list, "ConfigMapList")).isTrue();
    assertThat(Representation.JSON.startsBody(pretty, "ConfigMapList")).isFalse();
    assertThat(Representation.PRETTY.startsBody(pretty, "ConfigMapList")).isTrue();
    assertThat(Representation.PROTOBUF.startsBody(new byte[] {'k', '8', 's', 0, 0x0a}, "ConfigMapList")).isTrue();
    assertThat(Representation.PROTOBUF.startsBody("k8s".getBytes(StandardCharsets.UTF_8), "ConfigMapList")).isFalse();
  }
}
