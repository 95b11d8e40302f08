package dev.breakwater.config;

import picocli.CommandLine;

/**
 * Parses a byte count as Kubernetes quantities spell binary sizes: a whole number of bytes, or one
 * with a suffix {@code Ki}, {@code Mi}, {@code Gi} (powers of 1024), e.g. {@code 512Ki}, {@code 64Mi},
 * {@code 1Gi}. {@code 0} means no limit. Anything else — a sign, a fraction, a decimal suffix
 * ({@code M}), a value over 2^62 — is a picocli type error, printed as one line.
 */
public final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  public static long parse(String value) {
    String v = value == null ? "" : value.trim();
    long unit = 1;
    if (v.endsWith("Ki")) {
      unit = 1L << 10;
    } else if (v.endsWith("Mi")) {
      unit = 1L << 20;
    } else if (v.endsWith("Gi")) {
      unit = 1L << 30;
    }
    String digits = unit == 1 ? v : v.substring(0, v.length() - 2);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(value);
    }
    try {
      long n = Math.multiplyExact(Long.parseLong(digits), unit);
      if (n > (1L << 62)) {
        throw bad(value);
      }
      return n;
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(value);
    }
  }

  private static CommandLine.TypeConversionException bad(String value) {
    return new CommandLine.TypeConversionException("invalid byte size \"" + value + "\" (use e.g. 1048576, 512Ki, 64Mi, 1Gi)");
  }
}
