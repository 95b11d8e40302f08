package dev.breakwater.bench.env;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How the clients reach the apiserver. Every arm talks to the same etcd + kube-apiserver with the
 * same data; the arms differ only in what stands between the clients and the apiserver.
 */
public enum Arm {
  /** Clients → kube-apiserver (TLS, bearer token). */
  DIRECT("direct"),
  /** Clients → Breakwater {@code serve --cache} (plain HTTP on loopback) → kube-apiserver. */
  BREAKWATER("breakwater"),
  /**
   * Clients → Breakwater {@code serve --cache --auth=delegated} (TLS with the fixture's serving
   * certificate; each request carries one of {@link BenchCluster#USERS} users' bearer tokens, in
   * turn) → kube-apiserver. Only the scenarios that opt in run it (S3, S5).
   */
  BREAKWATER_DELEGATED("breakwater-delegated"),
  /**
   * Clients → Breakwater {@code serve --cache --auth=none} on TLS (the same serving certificate and
   * listener as {@link #BREAKWATER_DELEGATED}, no client credentials): the control that separates
   * what TLS costs from what authentication and authorization cost. Only S3 and S5 run it.
   */
  BREAKWATER_TLS("breakwater-tls"),
  /** Clients → {@code kubectl proxy} (plain HTTP on loopback) → kube-apiserver: the pass-through everyone has. */
  KUBECTL_PROXY("kubectl-proxy");

  private final String label;

  Arm(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Arm parse(String s) {
    for (Arm a : values()) {
      if (a.label.equalsIgnoreCase(s.trim()) || a.name().equalsIgnoreCase(s.trim())) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown arm \"" + s + "\" (expected one of "
        + Arrays.stream(values()).map(Arm::label).collect(Collectors.joining(", ")) + ")");
  }

  public static List<Arm> all() {
    return List.of(values());
  }

  @Override
  public String toString() {
    return label;
  }
}
