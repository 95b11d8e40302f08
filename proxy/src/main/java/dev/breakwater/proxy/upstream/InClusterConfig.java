package dev.breakwater.proxy.upstream;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream of a Breakwater running in a pod, as client-go's {@code rest.InClusterConfig}
 * builds it: server {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} (IPv6
 * bracketed), the service account's {@code ca.crt} as the only trusted CA, and its {@code token}
 * as the bearer token.
 *
 * <p>Token rotation: projected service-account tokens are rotated by the kubelet (by default
 * every hour, valid for longer). The token is not copied into the {@link Config}: it comes from an
 * {@link OAuthTokenProvider} that re-reads the file each time it is asked, and
 * {@link UpstreamCredentials} asks once a minute and right after a 401 (client-go's
 * {@code cachingTokenSource} re-reads it once a minute too). A read that fails or finds an empty
 * file keeps the previous token (the kubelet replaces the file atomically, so this is only a
 * momentary glitch or a deleted mount) and logs a warning.
 *
 * <p>Bad input: outside a pod ({@code KUBERNETES_SERVICE_HOST} or {@code _PORT} unset) or with no
 * readable token, {@link #load} throws {@link IllegalArgumentException} with one line saying what
 * is missing and how to give a kubeconfig instead.
 */
public final class InClusterConfig {

  private static final Logger LOG = LoggerFactory.getLogger(InClusterConfig.class);

  private InClusterConfig() {}

  /**
   * @param env the process environment (for {@code KUBERNETES_SERVICE_HOST/PORT})
   * @param serviceAccountDir the mounted service account ({@code token}, {@code ca.crt}, {@code namespace})
   */
  public static Config load(Map<String, String> env, Path serviceAccountDir) {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = env.get("KUBERNETES_SERVICE_PORT");
    if (host == null || host.isBlank() || port == null || port.isBlank()) {
      throw new IllegalArgumentException("not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
          + "unset) and no kubeconfig: give --kubeconfig FILE or set $KUBECONFIG");
    }
    Path tokenFile = serviceAccountDir.resolve("token");
    String first = readToken(tokenFile);
    if (first == null) {
      throw new IllegalArgumentException("in-cluster: cannot read the service account token " + tokenFile
          + " (is automountServiceAccountToken off?); give --kubeconfig FILE instead");
    }
    String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port.trim();
    ConfigBuilder b = new ConfigBuilder(Config.empty())
        .withMasterUrl("https://" + authority)
        .withOauthTokenProvider(new FileTokenProvider(tokenFile, first));
    Path ca = serviceAccountDir.resolve("ca.crt");
    if (Files.isReadable(ca)) {
      b.withCaCertFile(ca.toString());
    } else {
      LOG.warn("in-cluster: no {}; the upstream's certificate is checked against the JVM's trust store", ca);
    }
    Path ns = serviceAccountDir.resolve("namespace");
    if (Files.isReadable(ns)) {
      try {
        b.withNamespace(Files.readString(ns).trim());
      } catch (IOException e) {
        // the namespace is informational here
      }
    }
    return b.build();
  }

  static String readToken(Path file) {
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).trim();
      return t.isEmpty() ? null : t;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Re-reads the token file on every call; keeps the last good token when the file cannot be read.
   * Called from {@link UpstreamCredentials#refreshIfDue} on a worker thread (blocking file read).
   */
  static final class FileTokenProvider implements OAuthTokenProvider {
    private final Path file;
    private volatile String last;

    FileTokenProvider(Path file, String first) {
      this.file = file;
      this.last = first;
    }

    @Override
    public String getToken() {
      String t = readToken(file);
      if (t == null) {
        LOG.warn("in-cluster: cannot read {}; keeping the previous token", file);
        return last;
      }
      last = t;
      return t;
    }
  }
}
