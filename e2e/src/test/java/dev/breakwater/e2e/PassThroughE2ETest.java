package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fabric8 client through Breakwater against the real apiserver: CRUD, server-side apply,
 * patches, a CRD and its instances, watches, paginated LISTs, and error Statuses — each compared
 * with what the same client sees directly where the answer is deterministic.
 */
@ExtendWith(ClusterExtension.class)
class PassThroughE2ETest {

  static final String NS = "passthrough";

  @BeforeAll
  static void namespace(KubernetesClient direct) {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
  }

  @Test
  void configMapLifecycleThroughBreakwater(Breakwater bw, KubernetesClient direct) {
    try (KubernetesClient through = bw.client()) {
      var cms = through.configMaps().inNamespace(NS);
      ConfigMap created = cms.resource(new ConfigMapBuilder().withNewMetadata().withName("cm-life").endMetadata()
          .addToData("k", "v1").build()).create();
      assertThat(created.getMetadata().getResourceVersion()).isNotBlank();

      ConfigMap viaDirect = direct.configMaps().inNamespace(NS).withName("cm-life").get();
      assertThat(viaDirect.getData()).containsEntry("k", "v1");
      assertThat(cms.withName("cm-life").get()).isEqualTo(viaDirect);

      ConfigMap patched = cms.withName("cm-life").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"v2\"}}");
      assertThat(patched.getData()).containsEntry("k", "v2");

      ConfigMap applied = cms.resource(new ConfigMapBuilder().withNewMetadata().withName("cm-life").endMetadata()
          .addToData("k", "v3").addToData("applied", "yes").build()).fieldManager("e2e").forceConflicts().serverSideApply();
      assertThat(applied.getData()).containsEntry("k", "v3").containsEntry("applied", "yes");
      assertThat(direct.configMaps().inNamespace(NS).withName("cm-life").get().getData()).containsEntry("applied", "yes");

      assertThat(cms.withName("cm-life").delete()).hasSize(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> direct.configMaps().inNamespace(NS).withName("cm-life").get() == null);
      assertThat(cms.withName("cm-life").get()).isNull();
    }
  }

  @Test
  void errorsAreTheApiserversOwn(Breakwater bw, LocalCluster cluster) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
          URI.create(bw.url() + "/api/v1/namespaces/" + NS + "/configmaps/nope")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.headers().firstValue("Audit-Id")).isPresent();
      assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(missing.body()).isEqualTo(
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"configmaps \\\"nope\\\" not found\","
              + "\"reason\":\"NotFound\",\"details\":{\"name\":\"nope\",\"kind\":\"configmaps\"},\"code\":404}\n");

      HttpResponse<String> badRv = http.send(HttpRequest.newBuilder(
          URI.create(bw.url() + "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=abc")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(badRv.statusCode()).isEqualTo(400);
      assertThat(badRv.body()).contains("invalid resource version");
    }
  }

  @Test
  void paginatedListMatchesDirect(Breakwater bw, KubernetesClient direct) {
    for (int i = 0; i < 7; i++) {
      direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("page-" + i)
          .addToLabels("set", "pages").endMetadata().build()).serverSideApply();
    }
    try (KubernetesClient through = bw.client()) {
      List<String> names = new ArrayList<>();
      String cont = null;
      int pages = 0;
      do {
        ConfigMapList page = through.configMaps().inNamespace(NS).withLabel("set", "pages")
            .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(3L).withContinue(cont).build());
        page.getItems().forEach(cm -> names.add(cm.getMetadata().getName()));
        cont = page.getMetadata().getContinue();
        pages++;
      } while (cont != null && !cont.isEmpty());
      assertThat(pages).isEqualTo(3);
      assertThat(names).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6");
    }
  }

  @Test
  void watchSeesEvents(Breakwater bw, KubernetesClient direct) throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    try (KubernetesClient through = bw.client();
         Watch w = through.configMaps().inNamespace(NS).withLabel("set", "watched").watch(new Watcher<>() {
           @Override
           public void eventReceived(Action action, ConfigMap cm) {
             events.add(action + " " + cm.getMetadata().getName());
           }

           @Override
           public void onClose(WatcherException cause) {
           }
         })) {
      var cms = direct.configMaps().inNamespace(NS);
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName("w1").addToLabels("set", "watched").endMetadata().build()).create();
      cms.withName("w1").edit(cm -> new ConfigMapBuilder(cm).addToData("x", "y").build());
      cms.withName("w1").delete();
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(events).containsSubsequence("ADDED w1", "MODIFIED w1", "DELETED w1"));
    }
  }

  @Test
  void customResourcesPassThrough(Breakwater bw, KubernetesClient direct) {
    CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.e2e.breakwater.dev").endMetadata()
        .withNewSpec().withGroup("e2e.breakwater.dev").withScope("Namespaced")
        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").withListKind("WidgetList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build();
    direct.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
    direct.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
            .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())), 30, java.util.concurrent.TimeUnit.SECONDS);

    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup("e2e.breakwater.dev").withVersion("v1")
        .withPlural("widgets").withKind("Widget").withNamespaced(true).build();
    try (KubernetesClient through = bw.client()) {
      var widgets = through.genericKubernetesResources(ctx).inNamespace(NS);
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> widgets.list() != null);
      GenericKubernetesResource w = new GenericKubernetesResourceBuilder().withApiVersion("e2e.breakwater.dev/v1").withKind("Widget")
          .withNewMetadata().withName("w").withNamespace(NS).endMetadata().addToAdditionalProperties("spec", Map.of("size", 3)).build();
      widgets.resource(w).create();
      assertThat(widgets.withName("w").get().getAdditionalProperties().get("spec")).isEqualTo(Map.of("size", 3));
      widgets.withName("w").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"size\":4}}");
      assertThat(direct.genericKubernetesResources(ctx).inNamespace(NS).withName("w").get().getAdditionalProperties().get("spec"))
          .isEqualTo(Map.of("size", 4));
      Set<String> listed = new HashSet<>();
      widgets.list().getItems().forEach(i -> listed.add(i.getMetadata().getName()));
      assertThat(listed).containsExactly("w");
      widgets.withName("w").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> widgets.withName("w").get() == null);
    }
  }

  @Test
  void conflictsKeepTheirCode(Breakwater bw, KubernetesClient direct) {
    direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("dup").endMetadata().build())
        .serverSideApply();
    try (KubernetesClient through = bw.client()) {
      try {
        through.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("dup").endMetadata().build()).create();
        throw new AssertionError("create of an existing object succeeded");
      } catch (KubernetesClientException e) {
        assertThat(e.getCode()).isEqualTo(409);
        assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
      }
    }
  }
}
