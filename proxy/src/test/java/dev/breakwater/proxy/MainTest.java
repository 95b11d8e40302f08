package dev.breakwater.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  record Run(int exit, String out, String err) {
    java.util.List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = Main.run(cl, args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void unknownFlagIsOneUsageLine() {
    Run r = run("--x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("breakwater: Unknown option: '--x' (see --help)");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void unknownFlagOfServeIsOneUsageLine() {
    Run r = run("serve", "--x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("breakwater: Unknown option: '--x' (see --help)");
  }

  @Test
  void badFlagValueIsOneUsageLine() {
    Run r = run("serve", "--listen", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("breakwater: ").contains("expected HOST:PORT, got \"nope\"").contains("(see --help)");

    Run d = run("serve", "--shutdown-grace", "soon");
    assertThat(d.exit()).isEqualTo(2);
    assertThat(d.errLines()).hasSize(1);
    assertThat(d.err()).contains("invalid duration \"soon\"");
  }

  @Test
  void helpExitsZero() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: breakwater").contains("serve").contains("local");
    assertThat(r.err()).isEmpty();

    Run s = run("serve", "--help");
    assertThat(s.exit()).isZero();
    assertThat(s.out()).contains("--kubeconfig").contains("--listen").contains("--upstream-connect-timeout");
  }

  @Test
  void versionExitsZero() {
    Run r = run("--version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("breakwater ");
  }

  @Test
  void missingKubeconfigIsOneLine(@TempDir Path dir) {
    Path absent = dir.resolve("absent.kubeconfig");
    Run r = run("serve", "--kubeconfig", absent.toString(), "--listen", "127.0.0.1:0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("breakwater: cannot read kubeconfig " + absent);
  }

  @Test
  void garbageKubeconfigIsOneLine(@TempDir Path dir) throws Exception {
    Path kc = Files.writeString(dir.resolve("kubeconfig"), "clusters: [\n  - {{{\n:::\n");
    Run r = run("serve", "--kubeconfig", kc.toString(), "--listen", "127.0.0.1:0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("breakwater: cannot load kubeconfig " + kc);
  }

  @Test
  void validationProblemsAreJoinedOnOneLine(@TempDir Path dir) {
    Path absent = dir.resolve("absent");
    Run r = run("serve", "--kubeconfig", absent.toString(), "--tls-cert", absent.toString(), "--upstream-connect-timeout", "0s");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("breakwater: cannot read kubeconfig " + absent
        + "; --tls-cert and --tls-key must be given together; cannot read --tls-cert " + absent
        + "; --upstream-connect-timeout must be positive");
  }

  @TempDir Path tmp;

  @Test
  void badConfigFileIsOneLineNamingTheField() throws Exception {
    Path file = Files.writeString(tmp.resolve("c.yaml"), "listen: 0.0.0.0:8443\ncache-idle-timeout: forever\n");
    Run r = run("serve", "--config", file.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("breakwater: config " + file
        + ": cache-idle-timeout: invalid duration \"forever\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)");
  }

  @Test
  void configFileValuesReachServeAndFlagsWin() throws Exception {
    Path file = Files.writeString(tmp.resolve("c.yaml"), "kubeconfig: /nonexistent/kc\ntls-cert: /x.crt\n");
    Run r = run("serve", "--config", file.toString(), "--kubeconfig", "/other/kc");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly(
        "breakwater: cannot read kubeconfig /other/kc; --tls-cert and --tls-key must be given together; cannot read --tls-cert /x.crt");
  }

  @Test
  void kubeconfigCommandPrintsAKubeconfig() throws Exception {
    Path kc = Files.writeString(tmp.resolve("kc"), """
        apiVersion: v1
        clusters: [{name: c, cluster: {server: "https://up:6443"}}]
        users: [{name: u, user: {token: secret}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """);
    Run r = run("kubeconfig", "--server", "http://127.0.0.1:8001", "--kubeconfig", kc.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    var c = io.fabric8.kubernetes.client.Config.fromKubeconfig(null, r.out(), null);
    assertThat(c.getMasterUrl()).startsWith("http://127.0.0.1:8001");
    assertThat(c.getAutoOAuthToken()).isEqualTo("secret");
    Run both = run("kubeconfig", "--server", "http://x:1", "--out", "f", "--merge");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.errLines()).hasSize(1);
    Run merge = run("kubeconfig", "--server", "http://x:1", "--kubeconfig", kc.toString(), "--merge");
    assertThat(merge.errLines()).containsExactly("breakwater: --merge: clusters is a flow-style list with entries; rewrite it as a block list first");
    assertThat(merge.exit()).isEqualTo(1);
  }

  @Test
  void anInvalidAuthModeIsAUsageErrorNamingTheFlag() {
    for (String cmd : java.util.List.of("serve", "local")) {
      Run r = run(cmd, "--auth", "bogus");
      assertThat(r.exit()).as(cmd).isEqualTo(2);
      assertThat(r.errLines()).as(cmd).containsExactly(
          "breakwater: Invalid value for option '--auth': --auth must be none or delegated, got \"bogus\" (see --help)");
    }
  }

  @Test
  void authNoneOnANonLoopbackListenerRefusesToStart(@TempDir Path dir) throws Exception {
    Path kc = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
    for (String listen : java.util.List.of("0.0.0.0:8001", "10.1.2.3:8001", "example.com:8001")) {
      Run r = run("serve", "--kubeconfig", kc.toString(), "--listen", listen, "--auth", "none");
      assertThat(r.exit()).as(listen).isEqualTo(2);
      assertThat(r.errLines()).as(listen).containsExactly("breakwater: --auth=none is only allowed on a loopback --listen address (got "
          + listen + "): every client would act with Breakwater's credentials; use --auth=delegated");
      // --auth defaults to none: the same refusal without the flag
      Run d = run("serve", "--kubeconfig", kc.toString(), "--listen", listen);
      assertThat(d.exit()).as(listen).isEqualTo(2);
      assertThat(d.errLines()).as(listen).hasSize(1);
      assertThat(d.err()).contains("--auth=none is only allowed on a loopback --listen address");
    }
  }
}
