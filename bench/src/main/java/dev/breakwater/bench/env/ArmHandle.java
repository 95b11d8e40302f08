package dev.breakwater.bench.env;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One arm, ready for clients: its endpoint, the processes that serve it (by name, for the
 * samplers: always {@code kube-apiserver} and {@code etcd}, plus {@code breakwater} or
 * {@code kubectl-proxy}), and Breakwater's admin URL when there is one. Closing it stops the
 * process the arm started; the cluster stays.
 */
public final class ArmHandle implements AutoCloseable {

  private final Arm arm;
  private final Endpoint endpoint;
  private final Map<String, Long> pids;
  private final Optional<ChildProcess> child;
  private final Optional<URI> admin;

  ArmHandle(Arm arm, Endpoint endpoint, Map<String, Long> pids, Optional<ChildProcess> child, Optional<URI> admin) {
    this.arm = arm;
    this.endpoint = endpoint;
    this.pids = new LinkedHashMap<>(pids);
    this.child = child;
    this.admin = admin;
  }

  public Arm arm() {
    return arm;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Serving processes by name, apiserver first. */
  public Map<String, Long> pids() {
    return Map.copyOf(pids);
  }

  public Map<String, Long> orderedPids() {
    return new LinkedHashMap<>(pids);
  }

  /** Breakwater's admin listener ({@code /metrics}), for the Breakwater arm. */
  public Optional<URI> admin() {
    return admin;
  }

  public Optional<Long> breakwaterPid() {
    return Optional.ofNullable(pids.get("breakwater"));
  }

  @Override
  public void close() {
    endpoint.close();
    child.ifPresent(ChildProcess::close);
  }
}
