package dev.breakwater.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Client certificates for tests, made with the openssl command line as an operator would. */
public final class Pki {

  private Pki() {}

  /**
   * Signs a client certificate (EC P-256, clientAuth, one day) for {@code cn} in organization
   * {@code org} (none if null) with the CA {@code caCrt}/{@code caKey}; writes
   * {@code dir/<name>.key} and {@code dir/<name>.crt} and returns the certificate's path.
   */
  public static Path signClientCert(Path dir, String name, String cn, String org, Path caCrt, Path caKey) throws Exception {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path crt = dir.resolve(name + ".crt");
    Path ext = Files.writeString(dir.resolve(name + ".ext"), "extendedKeyUsage=clientAuth\n");
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    run("openssl", "req", "-new", "-key", key.toString(), "-subj", (org == null ? "" : "/O=" + org) + "/CN=" + cn, "-out", csr.toString());
    run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", caCrt.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-CAserial", dir.resolve(name + ".srl").toString(), "-days", "1", "-extfile", ext.toString(), "-out", crt.toString());
    return crt;
  }

  /** Runs a command to completion within 30 s; fails with its output if it fails. */
  public static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
