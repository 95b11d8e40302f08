package dev.breakwater.e2e.support;

import dev.breakwater.local.LocalCluster;
import java.io.IOException;

/**
 * The cluster tests share: one etcd + kube-apiserver for the whole e2e JVM, started on first
 * use and stopped by {@link ClusterExtension} when the run ends (and by LocalCluster's shutdown
 * hook if the JVM dies). Tests that stop or restart the apiserver start their own with
 * {@link #startPrivate}.
 */
public final class Clusters {

  private Clusters() {}

  public static LocalCluster startPrivate(LocalCluster.Builder builder) {
    try {
      return builder.binaries(Fixture.binaries()).build().start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a fixture cluster: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
