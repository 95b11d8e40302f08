package dev.breakwater.config;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Parses Go-style durations as Kubernetes flags spell them: {@code 500ms}, {@code 10s},
 * {@code 2m}, {@code 1h}; a bare number is seconds. Anything else is a picocli type error,
 * printed as one line.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String v = value == null ? "" : value.trim();
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException("invalid duration \"" + value + "\" (use e.g. 500ms, 10s, 2m)");
    }
  }
}
