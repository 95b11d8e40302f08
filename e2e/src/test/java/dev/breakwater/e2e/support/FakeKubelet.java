package dev.breakwater.e2e.support;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fixture's fake kubelet (e2e/fixture/cmd/fake-kubelet, built from k8s.io/cri-streaming) on
 * a loopback port, plus a Node whose status points the real apiserver at it, so that
 * pods/exec, attach, portforward and log on pods bound to that node reach it.
 */
public final class FakeKubelet implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final int port;
  private final String nodeName;

  private FakeKubelet(Process process, int port, String nodeName) {
    this.process = process;
    this.port = port;
    this.nodeName = nodeName;
  }

  public static FakeKubelet start(KubernetesClient direct, String nodeName) {
    try {
      Process p = new ProcessBuilder(Fixture.binaries().fakeKubelet().toString(), "--listen", "127.0.0.1:0")
          .redirectErrorStream(true).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      Matcher m = line == null ? null : LISTENING.matcher(line);
      if (m == null || !m.find()) {
        p.destroyForcibly();
        throw new IllegalStateException("fake-kubelet did not start: " + line);
      }
      int port = Integer.parseInt(m.group(1));
      Thread.ofVirtual().start(() -> {
        try {
          r.transferTo(java.io.Writer.nullWriter());
        } catch (IOException e) {
          // exited
        }
      });
      direct.nodes().resource(new NodeBuilder().withNewMetadata().withName(nodeName).endMetadata().build()).createOr(n -> n.update());
      direct.nodes().withName(nodeName).editStatus(n -> new NodeBuilder(n).editOrNewStatus()
          .withAddresses(new io.fabric8.kubernetes.api.model.NodeAddress("127.0.0.1", "InternalIP"))
          .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(port).endKubeletEndpoint().endDaemonEndpoints()
          .endStatus().build());
      return new FakeKubelet(p, port, nodeName);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start fake-kubelet: " + e.getMessage(), e);
    }
  }

  /** Creates a pod bound to this node with one container {@code c}, and marks it Running. */
  public Pod runningPod(KubernetesClient direct, String namespace, String name) {
    direct.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withNodeName(nodeName).addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .build()).create();
    return direct.pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus()
        .withPhase("Running").endStatus().build());
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
