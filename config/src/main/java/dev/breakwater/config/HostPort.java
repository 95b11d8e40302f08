package dev.breakwater.config;

/**
 * A listen address, {@code host:port} or {@code [v6]:port}. Port 0 asks the OS for a free port.
 *
 * <p>Bad input: {@link #parse} throws {@link IllegalArgumentException} with a one-line message
 * naming the flag's value, which the CLI prints as is.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  public static HostPort parse(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT, got an empty value");
    }
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got \"" + value + "\"");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (host.isBlank()) {
        throw new IllegalArgumentException("empty host in \"" + value + "\"");
      }
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("IPv6 addresses must be bracketed, e.g. [::1]:8080, got \"" + value + "\"");
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid port in \"" + value + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in \"" + value + "\"");
    }
    return new HostPort(host, port);
  }

  /** The form a URL authority uses: IPv6 hosts bracketed. */
  public String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }
}
