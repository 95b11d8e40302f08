package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Fixture;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.local.LocalCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code ./breakwater} launcher as a user runs it: {@code serve} in front of a kubeconfig
 * prints its one ready line and serves kubectl; bad flags and unreadable kubeconfigs stop with
 * one clear line.
 */
@ExtendWith(ClusterExtension.class)
class LauncherE2ETest {

  static final Pattern SERVING = Pattern.compile("^breakwater: serving on (http://127\\.0\\.0\\.1:\\d+) \\(upstream https://127\\.0\\.0\\.1:\\d+\\)$");

  @Test
  @Timeout(120)
  void serveInFrontOfAKubeconfig(LocalCluster cluster) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(launcher().toString(), "serve", "--kubeconfig", cluster.kubeconfig().toString(),
        "--context", "local-token", "--listen", "127.0.0.1:" + port).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      Matcher m = null;
      while ((line = out.readLine()) != null) {
        m = SERVING.matcher(line);
        if (m.matches()) {
          break;
        }
      }
      assertThat(m).as("the 'serving on' line").isNotNull();
      assertThat(m.matches()).isTrue();
      assertThat(m.group(1)).isEqualTo("http://127.0.0.1:" + port);
      Path kc = Files.createTempFile("launcher", ".kubeconfig");
      Files.writeString(kc, "apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster:\n    server: " + m.group(1)
          + "\ncontexts:\n- name: b\n  context:\n    cluster: b\n    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: b\n");
      // The token context authenticates upstream as token-admin: whoami through Breakwater shows it.
      assertThat(new Kubectl(kc).run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").assertOk().stdout())
          .isEqualTo("token-admin");
    } finally {
      p.destroy();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  @Test
  @Timeout(180)
  void localStartsARealApiserverServesKubectlAndStopsEverything() throws Exception {
    Process p = new ProcessBuilder(launcher().toString(), "local", "--listen", "127.0.0.1:0").redirectErrorStream(true).start();
    List<String> lines = new java.util.ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("breakwater: try: ")) {
          break;
        }
      }
      String kubeconfig = lines.stream().filter(l -> l.startsWith("breakwater: kubeconfig for clients: ")).findFirst()
          .orElseThrow(() -> new AssertionError("no kubeconfig line in " + lines)).substring("breakwater: kubeconfig for clients: ".length());
      assertThat(lines).anyMatch(l -> l.matches("breakwater: serving on http://127\\.0\\.0\\.1:\\d+"));
      assertThat(lines).anyMatch(l -> l.matches("breakwater: upstream kube-apiserver https://127\\.0\\.0\\.1:\\d+ \\(kubeconfig .*\\)"));
      Kubectl k = new Kubectl(Path.of(kubeconfig));
      assertThat(k.run("get", "namespaces", "-o", "name").assertOk().stdout()).contains("namespace/default");
      assertThat(k.run("version", "-o", "json").assertOk().stdout()).contains("\"gitVersion\": \"v1.36.3\"");
    } finally {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
      // Ctrl-C stops everything it started: etcd and kube-apiserver are gone too.
      for (ProcessHandle child : children) {
        child.onExit().get(30, TimeUnit.SECONDS);
        assertThat(child.isAlive()).as("child " + child.info().command().orElse("?")).isFalse();
      }
    }
  }

  @Test
  @Timeout(120)
  void badInputStopsWithOneLine() throws Exception {
    assertOneLine(List.of("serve", "--no-such-flag"), 2, "breakwater: Unknown option: '--no-such-flag' (see --help)");
    assertOneLine(List.of("serve", "--kubeconfig", "/does/not/exist"), 2, "breakwater: cannot read kubeconfig /does/not/exist");
    assertOneLine(List.of("serve", "--kubeconfig", "/etc/hostname", "--listen", "nope"), 2,
        "breakwater: Invalid value for option '--listen': expected HOST:PORT, got \"nope\" (see --help)");
    Path garbage = Files.createTempFile("garbage", ".kubeconfig");
    Files.writeString(garbage, ": not yaml [");
    ProcessResult r = run(List.of("serve", "--kubeconfig", garbage.toString()));
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output.lines().toList()).hasSize(1);
    assertThat(r.output).startsWith("breakwater: cannot load kubeconfig " + garbage);
  }

  private static void assertOneLine(List<String> args, int exit, String line) throws Exception {
    ProcessResult r = run(args);
    assertThat(r.output.strip()).isEqualTo(line);
    assertThat(r.exit).isEqualTo(exit);
  }

  record ProcessResult(int exit, String output) {}

  private static ProcessResult run(List<String> args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(launcher().toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new ProcessResult(p.exitValue(), out);
  }

  static Path launcher() {
    return Fixture.repo().resolve("breakwater");
  }
}
