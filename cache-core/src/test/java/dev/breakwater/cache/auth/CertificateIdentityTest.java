package dev.breakwater.cache.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Client-certificate authentication as the apiserver's x509 authenticator
 * ({@code CommonNameUserConversion}): chains from another CA, expired or not-yet-valid
 * certificates and leaves without the clientAuth usage are errors; the user is the last CN, the
 * groups the O values in order. Certificates are in {@code auth-certs/} (made with openssl, valid
 * for 100 years); time is injected, so "expired" is the same certificate checked after its
 * notAfter.
 */
class CertificateIdentityTest {

  static X509Certificate cert(String name) throws Exception {
    try (InputStream in = CertificateIdentityTest.class.getResourceAsStream("/auth-certs/" + name + ".crt")) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static Date within(X509Certificate c) {
    return new Date(c.getNotBefore().getTime() + 86_400_000L);
  }

  final CertificateIdentity caOne;

  CertificateIdentityTest() throws Exception {
    caOne = new CertificateIdentity(List.of(cert("ca-one")));
  }

  @Test
  void userIsTheLastCommonNameAndGroupsTheOrganizationsInOrder() throws Exception {
    X509Certificate alice = cert("alice"); // /O=devs/O=ops/CN=first/CN=alice
    var r = caOne.authenticate(List.of(alice), within(alice));
    assertThat(r.failed()).isFalse();
    UserInfo u = r.user().orElseThrow();
    assertThat(u.name()).isEqualTo("alice");
    assertThat(u.groups()).containsExactly("devs", "ops");
    assertThat(u.uid()).isEmpty();
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(alice.getEncoded()));
    assertThat(u.extra()).isEqualTo(Map.of(CertificateIdentity.CREDENTIAL_ID, List.of("X509SHA256=" + sha)));
    assertThat(CertificateIdentity.commonName(alice)).isEqualTo("alice");
  }

  @Test
  void theChainMayEndWithTheCaItself() throws Exception {
    X509Certificate alice = cert("alice");
    var r = caOne.authenticate(List.of(alice, cert("ca-one")), within(alice));
    assertThat(r.user()).map(UserInfo::name).hasValue("alice");
  }

  @Test
  void aUidAttributeIsTheUid() throws Exception {
    X509Certificate carol = cert("with-uid");
    var r = caOne.authenticate(List.of(carol), within(carol));
    assertThat(r.user().orElseThrow().uid()).isEqualTo("c-123");
    assertThat(r.user().orElseThrow().name()).isEqualTo("carol");
  }

  @Test
  void aCertificateFromAnotherCaIsAnError() throws Exception {
    X509Certificate mallory = cert("other-ca");
    var r = caOne.authenticate(List.of(mallory), within(mallory));
    assertThat(r.user()).isEmpty();
    assertThat(r.failed()).isTrue();
    assertThat(r.error()).isEqualTo("verifying certificate SN=" + mallory.getSerialNumber() + ", CN=mallory failed: "
        + "x509: certificate signed by unknown authority");
    assertThat(caOne.verifies(List.of(mallory), within(mallory))).isFalse();
    // ... and fine for a verifier that trusts its CA
    assertThat(new CertificateIdentity(List.of(cert("ca-one"), cert("ca-two"))).authenticate(List.of(mallory), within(mallory))
        .user()).map(UserInfo::name).hasValue("mallory");
  }

  @Test
  void aCaSentAsItsOwnClientCertificateDoesNotVerifyAgainstAnotherCa() throws Exception {
    X509Certificate two = cert("ca-two");
    assertThat(caOne.authenticate(List.of(two), within(two)).failed()).isTrue();
  }

  @Test
  void expiredAndNotYetValidAreErrors() throws Exception {
    X509Certificate alice = cert("alice");
    Date after = new Date(alice.getNotAfter().getTime() + 86_400_000L);
    Date before = new Date(alice.getNotBefore().getTime() - 86_400_000L);
    for (Date when : List.of(after, before)) {
      var r = caOne.authenticate(List.of(alice), when);
      assertThat(r.user()).isEmpty();
      assertThat(r.error()).endsWith("failed: x509: certificate has expired or is not yet valid");
    }
  }

  @Test
  void aLeafWithoutTheClientAuthUsageIsAnError() throws Exception {
    X509Certificate server = cert("server-only"); // extendedKeyUsage=serverAuth
    var r = caOne.authenticate(List.of(server), within(server));
    assertThat(r.user()).isEmpty();
    assertThat(r.error()).endsWith("failed: x509: certificate specifies an incompatible key usage");
  }

  @Test
  void aLeafWithoutAnyExtendedKeyUsageIsAccepted() throws Exception {
    // Go's x509.Verify with KeyUsages=[ClientAuth]: a certificate with no EKU extension is valid for any usage.
    X509Certificate bob = cert("no-eku");
    var r = caOne.authenticate(List.of(bob), within(bob));
    assertThat(r.user().orElseThrow().name()).isEqualTo("bob");
    assertThat(r.user().orElseThrow().groups()).isEmpty();
  }

  @Test
  void anEmptyCommonNameIsNoIdentityNotAnError() throws Exception {
    X509Certificate noCn = cert("no-cn");
    var r = caOne.authenticate(List.of(noCn), within(noCn));
    assertThat(r.user()).isEmpty();
    assertThat(r.failed()).isFalse();
  }

  @Test
  void noCertificateIsNoIdentity() {
    assertThat(caOne.authenticate(List.of(), new Date(0))).isEqualTo(CertificateIdentity.Result.none());
    assertThat(caOne.authenticate(null, new Date(0))).isEqualTo(CertificateIdentity.Result.none());
  }

  @Test
  void aVerifierWithoutCasTrustsNothing() throws Exception {
    X509Certificate alice = cert("alice");
    var r = new CertificateIdentity(List.of()).authenticate(List.of(alice), within(alice));
    assertThat(r.error()).endsWith("x509: certificate signed by unknown authority");
  }
}
