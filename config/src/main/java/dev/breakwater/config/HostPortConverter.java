package dev.breakwater.config;

import picocli.CommandLine;

/** picocli adapter for {@link HostPort#parse}. */
public final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
  @Override
  public HostPort convert(String value) {
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
