package dev.breakwater.cache.auth;

import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client-certificate authentication as the apiserver's {@code x509.Authenticator} with
 * {@code CommonNameUserConversion}: the peer chain must verify against the configured CAs (at the
 * injected time, for client authentication: an extended key usage, when present, must include
 * clientAuth); the user is the subject's CommonName (the last CN attribute, as Go fills
 * {@code pkix.Name}), the groups its Organization values in order, the uid its single UID
 * attribute, and extra {@code authentication.kubernetes.io/credential-id: X509SHA256=<hex>}.
 *
 * <p>Outcomes: {@link Result#none()} (no certificate, or an empty CommonName: the next
 * authenticator tries), a user, or an error (a chain that does not verify, e.g. a certificate from
 * another CA — the apiserver answers 401 for that, even with anonymous auth on). Thread-safe and
 * immutable; never throws.
 */
public final class CertificateIdentity {

  /** No identity here, an identity, or a failure (with the apiserver's error text). */
  public record Result(Optional<UserInfo> user, String error) {
    public static Result none() {
      return new Result(Optional.empty(), "");
    }

    public boolean failed() {
      return !error.isEmpty();
    }
  }

  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String ANY_EKU = "2.5.29.37.0";
  static final String UID_OID = "0.9.2342.19200300.100.1.1";
  public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

  private final Set<TrustAnchor> anchors;

  public CertificateIdentity(List<X509Certificate> cas) {
    this.anchors = cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
  }

  /** Verifies {@code chain} (leaf first) at {@code now}; true when it leads to one of the CAs. */
  public boolean verifies(List<X509Certificate> chain, Date now) {
    return verify(chain, now).isEmpty();
  }

  private String verify(List<X509Certificate> chain, Date now) {
    if (anchors.isEmpty()) {
      return "x509: certificate signed by unknown authority";
    }
    try {
      X509Certificate leaf = chain.getFirst();
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EKU)) {
        return "x509: certificate specifies an incompatible key usage";
      }
      // The anchor itself may be sent as the last element; PKIX wants the path without it.
      List<X509Certificate> path = new ArrayList<>(chain);
      while (path.size() > 1 && anchors.stream().anyMatch(a -> a.getTrustedCert().equals(path.getLast()))) {
        path.removeLast();
      }
      CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(now);
      CertPathValidator.getInstance("PKIX").validate(cp, params);
      return "";
    } catch (CertPathValidatorException e) {
      return e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID
          ? "x509: certificate has expired or is not yet valid" : "x509: certificate signed by unknown authority";
    } catch (Exception e) {
      return "x509: " + e.getMessage();
    }
  }

  /** Authenticates the peer {@code chain} (leaf first; empty = no certificate) at {@code now}. */
  public Result authenticate(List<X509Certificate> chain, Date now) {
    if (chain == null || chain.isEmpty()) {
      return Result.none();
    }
    String err = verify(chain, now);
    if (!err.isEmpty()) {
      return new Result(Optional.empty(), "verifying certificate " + identifier(chain.getFirst()) + " failed: " + err);
    }
    return user(chain.getFirst());
  }

  /** CommonNameUserConversion of a verified leaf. */
  public static Result user(X509Certificate leaf) {
    String cn = "";
    List<String> orgs = new ArrayList<>();
    List<String> uids = new ArrayList<>();
    try {
      LdapName dn = new LdapName(leaf.getSubjectX500Principal().getName("RFC2253", Map.of(UID_OID, "UID")));
      for (Rdn rdn : dn.getRdns()) { // index 0 is the first RDN of the ASN.1 sequence
        javax.naming.directory.Attributes attrs = rdn.toAttributes();
        var all = attrs.getAll();
        while (all.hasMore()) {
          var attr = all.next();
          String type = attr.getID().toUpperCase(java.util.Locale.ROOT);
          for (int i = 0; i < attr.size(); i++) {
            String value = String.valueOf(attr.get(i));
            switch (type) {
              case "CN" -> cn = value;
              case "O" -> orgs.add(value);
              case "UID" -> uids.add(value);
              default -> { }
            }
          }
        }
      }
    } catch (javax.naming.NamingException e) {
      return new Result(Optional.empty(), "cannot parse certificate subject: " + e.getMessage());
    }
    if (cn.isEmpty()) {
      return Result.none();
    }
    String uid = "";
    if (uids.size() > 1) {
      return new Result(Optional.empty(), "expected 1 UID, but found multiple: [" + String.join(" ", uids) + "]");
    } else if (uids.size() == 1) {
      uid = uids.getFirst();
      if (uid.isEmpty()) {
        return new Result(Optional.empty(), "UID cannot be an empty string");
      }
    }
    String id;
    try {
      id = "X509SHA256=" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
    } catch (Exception e) {
      return new Result(Optional.empty(), "cannot encode certificate: " + e.getMessage());
    }
    return new Result(Optional.of(new UserInfo(cn, uid, orgs, Map.of(CREDENTIAL_ID, List.of(id)))), "");
  }

  /** The CN of {@code leaf}, for the front-proxy allowed-names check. */
  public static String commonName(X509Certificate leaf) {
    Result r = user(leaf);
    return r.user().map(UserInfo::name).orElse("");
  }

  private static String identifier(X509Certificate c) {
    return "SN=" + c.getSerialNumber() + ", CN=" + commonName(c);
  }
}
