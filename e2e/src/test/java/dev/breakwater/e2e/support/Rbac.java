package dev.breakwater.e2e.support;

import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** RBAC objects for test identities, applied server-side as the cluster admin. */
public final class Rbac {

  private Rbac() {}

  /**
   * Binds the Role {@code role} in {@code namespace} to a subject of {@code kind} (User, Group, or
   * ServiceAccount of that namespace) named {@code subject}; the binding is {@code <role>-<subject>}.
   */
  public static void bind(KubernetesClient admin, String namespace, String role, String kind, String subject) {
    var s = new SubjectBuilder().withKind(kind).withName(subject);
    if (kind.equals("ServiceAccount")) {
      s.withNamespace(namespace);
    } else {
      s.withApiGroup("rbac.authorization.k8s.io");
    }
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata().withName(role + "-" + subject)
        .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(role).endRoleRef()
        .withSubjects(s.build()).build()).serverSideApply();
  }
}
