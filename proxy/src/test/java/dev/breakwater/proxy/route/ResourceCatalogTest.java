package dev.breakwater.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Against discovery documents captured from kube-apiserver 1.36.3 (the fixture). */
class ResourceCatalogTest {

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ResourceCatalogTest.class.getResourceAsStream("/discovery/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsTheRealApiserversDiscovery() throws IOException {
    ResourceCatalog c = ResourceCatalog.parse(resource("api.json"), resource("apis.json"));
    ResourceCatalog.Resource cm = c.lookup("", "v1", "configmaps").orElseThrow();
    assertThat(cm.kind()).isEqualTo("ConfigMap");
    assertThat(cm.namespaced()).isTrue();
    assertThat(cm.cacheable()).isTrue();
    assertThat(cm.collectionPath()).isEqualTo("/api/v1/configmaps");
    assertThat(cm.apiVersion()).isEqualTo("v1");

    ResourceCatalog.Resource deploy = c.lookup("apps", "v1", "deployments").orElseThrow();
    assertThat(deploy.kind()).isEqualTo("Deployment");
    assertThat(deploy.collectionPath()).isEqualTo("/apis/apps/v1/deployments");
    assertThat(deploy.groupResource()).isEqualTo("deployments.apps");

    ResourceCatalog.Resource ns = c.lookup("", "v1", "namespaces").orElseThrow();
    assertThat(ns.namespaced()).isFalse();
    // componentstatuses: get and list, no watch -> not cacheable; bindings: create only.
    assertThat(c.lookup("", "v1", "componentstatuses").orElseThrow().cacheable()).isFalse();
    assertThat(c.lookup("", "v1", "bindings").orElseThrow().cacheable()).isFalse();
    assertThat(c.lookup("", "v1", "nope")).isEmpty();
    assertThat(c.lookup("events.k8s.io", "v1", "events").orElseThrow().kind()).isEqualTo("Event");
  }

  @Test
  void rejectsWhatIsNotDiscovery() {
    assertThatThrownBy(() -> ResourceCatalog.parse("{\"kind\":\"Status\"}".getBytes(), "{}".getBytes()))
        .isInstanceOf(IOException.class).hasMessage("not an APIGroupDiscoveryList");
    assertThatThrownBy(() -> ResourceCatalog.parse("not json".getBytes(), "{}".getBytes())).isInstanceOf(IOException.class);
  }
}
