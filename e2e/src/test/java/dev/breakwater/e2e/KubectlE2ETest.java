package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.FakeKubelet;
import dev.breakwater.e2e.support.Kubectl;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture's kubectl 1.36.3 through Breakwater: get/apply/delete, and the streaming verbs
 * against a pod bound to a Node served by the fake kubelet — exec and port-forward over
 * WebSocket (kubectl's default) and SPDY, attach, and logs -f.
 */
@ExtendWith(ClusterExtension.class)
class KubectlE2ETest {

  static final String NS = "kubectl";
  static FakeKubelet kubelet;
  static EchoServer echo;

  @BeforeAll
  static void setUp(KubernetesClient direct) throws IOException {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    kubelet = FakeKubelet.start(direct, "fake-node-kubectl");
    kubelet.runningPod(direct, NS, "pod1");
    echo = new EchoServer();
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (kubelet != null) {
      kubelet.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void getApplyDelete(Breakwater bw) {
    Kubectl k = new Kubectl(bw.kubeconfig());
    assertThat(k.run("get", "namespaces", "-o", "name").assertOk().stdout()).contains("namespace/kube-system", "namespace/" + NS);
    String manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: applied
          namespace: kubectl
        data:
          a: "1"
        """;
    assertThat(k.run(manifest, Duration.ofSeconds(30), "apply", "--server-side", "-f", "-").assertOk().stdout())
        .contains("configmap/applied serverside-applied");
    assertThat(k.run("get", "-n", NS, "configmap", "applied", "-o", "jsonpath={.data.a}").assertOk().stdout()).isEqualTo("1");
    assertThat(k.run("get", "-A", "configmaps", "--chunk-size=1", "-o", "name").assertOk().stdout()).contains("configmap/applied");
    assertThat(k.run("delete", "-n", NS, "configmap", "applied").assertOk().stdout()).contains("deleted");
    Kubectl.Result missing = k.run("get", "-n", NS, "configmap", "applied");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("configmaps \"applied\" not found");
  }

  @ParameterizedTest(name = "websockets={0}")
  @ValueSource(booleans = {true, false})
  void exec(boolean websockets, Breakwater bw) {
    Kubectl k = new Kubectl(bw.kubeconfig()).withEnv(Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", String.valueOf(websockets)));
    assertThat(k.run("exec", "-n", NS, "pod1", "--", "echo", "hello", "world").assertOk().stdout()).isEqualTo("hello world\n");
    assertThat(k.run("payload-through-stdin\n", Duration.ofSeconds(30), "exec", "-i", "-n", NS, "pod1", "--", "cat")
        .assertOk().stdout()).isEqualTo("payload-through-stdin\n");
    Kubectl.Result fail = k.run("exec", "-n", NS, "pod1", "--", "sh", "-c", "echo oops >&2; exit 3");
    assertThat(fail.exitCode()).isEqualTo(3);
    assertThat(fail.stderr()).contains("oops");
  }

  @Test
  void execOfAMissingPodKeepsTheApiserversError(Breakwater bw) {
    Kubectl.Result r = new Kubectl(bw.kubeconfig()).run("exec", "-n", NS, "no-such-pod", "--", "true");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("pods \"no-such-pod\" not found");
  }

  @ParameterizedTest(name = "websockets={0}")
  @ValueSource(booleans = {true, false})
  void portForward(boolean websockets, Breakwater bw) throws Exception {
    Kubectl k = new Kubectl(bw.kubeconfig()).withEnv(Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", String.valueOf(websockets)));
    int local;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      local = s.getLocalPort();
    }
    Process pf = k.start("port-forward", "-n", NS, "pod/pod1", "--address=127.0.0.1", local + ":" + echo.port());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(pf.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).as("port-forward's first line").startsWith("Forwarding from 127.0.0.1:" + local);
      for (int round = 0; round < 3; round++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local)) {
          s.setSoTimeout(10_000);
          OutputStream o = s.getOutputStream();
          o.write(("ping-" + round + "\n").getBytes(StandardCharsets.UTF_8));
          o.flush();
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          assertThat(in.readLine()).isEqualTo("echo: ping-" + round);
        }
      }
    } finally {
      pf.destroy();
      pf.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void attach(Breakwater bw) {
    Kubectl.Result r = new Kubectl(bw.kubeconfig()).run("typed-into-attach\n", Duration.ofSeconds(20), "attach", "-i", "-n", NS, "pod1");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("attached to " + NS + "/pod1/c", "typed-into-attach");
  }

  @Test
  void logsFollowStreams(Breakwater bw) throws Exception {
    Kubectl k = new Kubectl(bw.kubeconfig());
    assertThat(k.run("logs", "-n", NS, "pod1").assertOk().stdout()).startsWith("log line 1 from " + NS + "/pod1/c\n");
    Process logs = k.start("logs", "-f", "-n", NS, "pod1");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      long t0 = System.nanoTime();
      while (lines.size() < 12) {
        String line = out.readLine();
        assertThat(line).as("followed log line").isNotNull();
        lines.add(line);
      }
      // 5 lines at once, then one per 100 ms: seeing line 12 proves lines arrive as written.
      assertThat(lines.get(11)).isEqualTo("log line 12 from " + NS + "/pod1/c");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(400));
    } finally {
      logs.destroy();
      logs.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** A line echo server on loopback, the target of port-forward. */
  static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;

    EchoServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread.ofVirtual().start(() -> serve(s));
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    private static void serve(Socket s) {
      try (s) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = in.readLine()) != null) {
          out.write(("echo: " + line + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (IOException e) {
        // client went away
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
