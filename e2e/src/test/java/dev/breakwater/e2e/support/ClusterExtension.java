package dev.breakwater.e2e.support;

import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests the shared real cluster and a Breakwater in front of it:
 * parameters of type {@link LocalCluster} (the shared cluster), {@link KubernetesClient}
 * (fabric8, straight to the apiserver) and {@link Breakwater} (one per test class).
 * Everything is stopped when the run (cluster) or the class (Breakwater) ends, failed or not.
 */
public final class ClusterExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    Class<?> t = p.getParameter().getType();
    return t == LocalCluster.class || t == KubernetesClient.class || t == Breakwater.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    Class<?> t = p.getParameter().getType();
    LocalCluster cluster = sharedCluster(c);
    if (t == LocalCluster.class) {
      return cluster;
    }
    if (t == KubernetesClient.class) {
      return c.getRoot().getStore(NS).getOrComputeIfAbsent("direct-client", k -> new ClosableClient(direct(cluster)),
          ClosableClient.class).client();
    }
    ExtensionContext classContext = c.getTestClass().isPresent() && c.getParent().isPresent() && c.getTestMethod().isPresent()
        ? c.getParent().get() : c;
    return classContext.getStore(NS).getOrComputeIfAbsent("breakwater",
        k -> new ClosableBreakwater(Breakwater.inFrontOf(cluster.kubeconfig(), Optional.empty())),
        ClosableBreakwater.class).breakwater();
  }

  public static KubernetesClient direct(LocalCluster cluster) {
    try {
      Config config = Config.fromKubeconfig(null, Files.readString(cluster.kubeconfig()), cluster.kubeconfig().toString());
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static LocalCluster sharedCluster(ExtensionContext c) {
    return c.getRoot().getStore(NS).getOrComputeIfAbsent("cluster",
        k -> new ClosableCluster(Clusters.startPrivate(LocalCluster.builder())), ClosableCluster.class).cluster();
  }

  record ClosableCluster(LocalCluster cluster) implements AutoCloseable {
    @Override
    public void close() {
      cluster.close();
    }
  }

  record ClosableClient(KubernetesClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  record ClosableBreakwater(Breakwater breakwater) implements AutoCloseable {
    @Override
    public void close() {
      breakwater.close();
    }
  }
}
