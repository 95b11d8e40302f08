package dev.breakwater.e2e.support;

import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** JDK HTTP clients for byte-level requests: straight to the apiserver (TLS, client cert) or to Breakwater. */
public final class RawHttp {

  private RawHttp() {}

  /** A client that trusts the fixture's CA and presents its admin client certificate. */
  public static HttpClient direct(LocalCluster cluster) {
    return HttpClient.newBuilder().sslContext(sslContext(cluster.kubeconfig())).connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  public static SSLContext sslContext(Path kubeconfig) {
    try {
      return SSLUtils.sslContext(Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static HttpClient plain() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  }
}
