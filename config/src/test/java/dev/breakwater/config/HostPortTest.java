package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class HostPortTest {

  @Test
  void ipv4() {
    assertThat(HostPort.parse("127.0.0.1:8001")).isEqualTo(new HostPort("127.0.0.1", 8001));
    assertThat(HostPort.parse(" 0.0.0.0:0 ")).isEqualTo(new HostPort("0.0.0.0", 0));
    assertThat(HostPort.parse("localhost:65535").port()).isEqualTo(65535);
  }

  @Test
  void bracketedIpv6() {
    HostPort hp = HostPort.parse("[::1]:8443");
    assertThat(hp).isEqualTo(new HostPort("::1", 8443));
    assertThat(hp.authority()).isEqualTo("[::1]:8443");
    assertThat(hp.toString()).isEqualTo("[::1]:8443");
    assertThat(HostPort.parse("[fe80::1%eth0]:1").host()).isEqualTo("fe80::1%eth0");
  }

  @Test
  void authorityOfIpv4() {
    assertThat(new HostPort("10.0.0.1", 80).authority()).isEqualTo("10.0.0.1:80");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "8001|expected HOST:PORT, got \"8001\"",
      ":8001|expected HOST:PORT, got \":8001\"",
      "host:|expected HOST:PORT, got \"host:\"",
      "::1:8001|IPv6 addresses must be bracketed, e.g. [::1]:8080, got \"::1:8001\"",
      "host:http|invalid port in \"host:http\"",
      "host:65536|port out of range in \"host:65536\"",
      "host:-1|port out of range in \"host:-1\"",
      "host:99999999999|invalid port in \"host:99999999999\"",
      "[]:80|empty host in \"[]:80\"",
  })
  void badInputsNameTheValue(String value, String message) {
    assertThatThrownBy(() -> HostPort.parse(value)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void emptyValues() {
    assertThatThrownBy(() -> HostPort.parse("")).hasMessage("expected HOST:PORT, got an empty value");
    assertThatThrownBy(() -> HostPort.parse("  ")).hasMessage("expected HOST:PORT, got an empty value");
    assertThatThrownBy(() -> HostPort.parse(null)).hasMessage("expected HOST:PORT, got an empty value");
  }

  @Test
  void constructorChecks() {
    assertThatThrownBy(() -> new HostPort(" ", 1)).hasMessage("empty host");
    assertThatThrownBy(() -> new HostPort("h", 65536)).hasMessage("port out of range: 65536");
  }

  @Test
  void converterTurnsErrorsIntoTypeConversionExceptions() {
    assertThat(new HostPortConverter().convert("[::]:0")).isEqualTo(new HostPort("::", 0));
    assertThatThrownBy(() -> new HostPortConverter().convert("nope"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("expected HOST:PORT, got \"nope\"");
  }
}
