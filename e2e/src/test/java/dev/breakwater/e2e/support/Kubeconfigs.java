package dev.breakwater.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files a test writes for an identity of its own. */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  /**
   * Writes to {@code file} a kubeconfig for {@code server} that trusts {@code ca} and authenticates
   * with the bearer {@code token}; returns {@code file}.
   */
  public static Path withToken(Path file, String server, Path ca, String token) {
    try {
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: c
            cluster:
              server: %s
              certificate-authority: %s
          users:
          - name: u
            user:
              token: %s
          contexts:
          - name: c
            context: {cluster: c, user: u}
          current-context: c
          """.formatted(server, ca, token));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
