package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

  @Test
  void units() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(DurationConverter.parse(" 7 ")).isEqualTo(Duration.ofSeconds(7));
    assertThat(new DurationConverter().convert("3s")).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void negativeValuesParseAndAreLeftToValidation() {
    assertThat(DurationConverter.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "ms", "1.5s", "10x", "10 s", "1h30m", "5S", "10us", "abc"})
  void invalidValuesAreOneLineTypeErrors(String value) {
    assertThatThrownBy(() -> DurationConverter.parse(value))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("invalid duration \"" + value + "\" (use e.g. 500ms, 10s, 2m)");
  }

  @Test
  void overflowIsATypeErrorToo() {
    String huge = Long.MAX_VALUE + "h";
    assertThatThrownBy(() -> DurationConverter.parse(huge))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageStartingWith("invalid duration \"" + huge + "\"");
  }
}
