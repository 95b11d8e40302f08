package dev.breakwater.e2e.support;

import dev.breakwater.local.LocalCluster;
import java.time.Duration;

/**
 * A schema-less namespaced custom resource {@code things.<group>/v1} with one object {@code t1}
 * ({@code spec: {a: 1}}) in a namespace, applied with kubectl as a user would: the CRD, a wait for
 * Established, then the object. For tests that compare a custom resource's answers direct and
 * through Breakwater.
 */
public final class Things {

  private Things() {}

  /** The collection path of things in {@code namespace}. */
  public static String path(String group, String namespace) {
    return "/apis/" + group + "/v1/namespaces/" + namespace + "/things";
  }

  /** Applies the CRD and {@code t1}; the namespace must exist. Fails the test if kubectl does. */
  public static void apply(LocalCluster cluster, String group, String namespace) {
    String crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: things.%1$s}
        spec:
          group: %1$s
          scope: Namespaced
          names: {plural: things, singular: thing, kind: Thing}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """.formatted(group);
    String thing = """
        apiVersion: %s/v1
        kind: Thing
        metadata: {name: t1, namespace: %s}
        spec: {a: 1}
        """.formatted(group, namespace);
    Kubectl kubectl = new Kubectl(cluster.kubeconfig());
    kubectl.run(crd, Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    kubectl.run(null, Duration.ofSeconds(60), "wait", "--for=condition=Established", "crd/things." + group).assertOk();
    kubectl.run(thing, Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
  }
}
