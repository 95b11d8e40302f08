package dev.breakwater.proxy;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.TrustOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * The listener's side of client certificates ({@code --auth=delegated}), as the apiserver does it:
 * the TLS handshake <em>requests</em> a certificate (advertising the client and front-proxy CAs) but
 * accepts any, and the authenticators verify it per request ({@code dev.breakwater.cache.auth.CertificateIdentity}),
 * so a certificate from another CA gets the apiserver's 401, not a failed handshake.
 */
final class ClientTls {

  private ClientTls() {}

  static List<X509Certificate> readCertificates(Path file, String flag) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(flag + " " + file + " holds no certificate");
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read " + flag + " " + file + ": " + e.getMessage());
    }
  }

  static void requestClientCertificates(HttpServerOptions options, List<X509Certificate> clientCas, List<X509Certificate> frontProxyCas) {
    List<X509Certificate> issuers = new ArrayList<>(clientCas);
    issuers.addAll(frontProxyCas);
    X509Certificate[] accepted = issuers.toArray(new X509Certificate[0]);
    X509TrustManager acceptAny = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // verified per request by the authenticators
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("server-side trust manager");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return accepted.clone();
      }
    };
    options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(TrustOptions.wrap(acceptAny));
  }
}
