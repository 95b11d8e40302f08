package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.status.Result;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Continue tokens minted by the real apiserver — on the watch-cache path (configmaps) and the
 * etcd path (core events), for one namespace and across namespaces — are exactly the tokens
 * cache-core's {@link ContinueToken} encodes for the same position, and decode back to it. The
 * captured tokens are written to e2e/target/continue-tokens.jsonl; a copy is checked in as
 * cache-core/src/test/resources/apiserver-tokens/1.36.3.jsonl for the unit test that replays them.
 */
@ExtendWith(ClusterExtension.class)
class ContinueTokenE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tokensAreByteCompatibleOnBothServingPaths(KubernetesClient direct, LocalCluster cluster) throws Exception {
    for (String ns : List.of("tokens-a", "tokens-b")) {
      direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
      for (String name : List.of("c1", "c2", "c3")) {
        direct.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build()).serverSideApply();
        direct.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withName("e-" + name).endMetadata()
            .withNewInvolvedObject().withKind("ConfigMap").withName(name).withNamespace(ns).endInvolvedObject()
            .withReason("Test").withMessage("m").build()).serverSideApply();
      }
    }
    List<String> captured = new ArrayList<>();
    try (HttpClient http = RawHttp.direct(cluster)) {
      record Case(String path, String listKey, ContinueToken.Form form, boolean crossNamespace) {}
      for (Case c : List.of(
          new Case("/api/v1/namespaces/tokens-a/configmaps", "/registry/configmaps/tokens-a", ContinueToken.Form.WATCH_CACHE, false),
          new Case("/api/v1/configmaps", "/registry/configmaps", ContinueToken.Form.WATCH_CACHE, true),
          new Case("/api/v1/namespaces/tokens-b/events", "/registry/events/tokens-b", ContinueToken.Form.ETCD, false),
          new Case("/api/v1/events", "/registry/events", ContinueToken.Form.ETCD, true))) {
        String cont = null;
        for (int page = 0; page < 3; page++) {
          String q = "?limit=2" + (cont == null ? "" : "&continue=" + cont);
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.server().resolve(c.path() + q)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          JsonNode list = JSON.readTree(r.body());
          String token = list.path("metadata").path("continue").asText("");
          if (token.isEmpty()) {
            break;
          }
          long rv = Long.parseLong(list.path("metadata").path("resourceVersion").asText());
          JsonNode last = list.path("items").get(list.path("items").size() - 1).path("metadata");
          String lastKey = c.listKey() + "/" + (c.crossNamespace() ? last.path("namespace").asText() + "/" : "") + last.path("name").asText();

          String ours = ((Result.Ok<String>) ContinueToken.next(c.form(), c.listKey(), lastKey, rv)).value();
          assertThat(ours).as("%s page %d", c.path(), page).isEqualTo(token);
          ContinueToken decoded = ContinueToken.decode(token, c.listKey() + "/").value();
          assertThat(decoded.fromKey()).isEqualTo(lastKey + "\u0000");
          assertThat(decoded.resourceVersion()).isEqualTo(rv);

          ObjectNode line = JSON.createObjectNode().put("form", c.form().name()).put("listKey", c.listKey())
              .put("lastKey", lastKey).put("rv", rv).put("token", token);
          captured.add(JSON.writeValueAsString(line));
          cont = token;
        }
      }
    }
    // Every case minted at least one token (3 items per namespace, pages of 2).
    for (String listKey : List.of("/registry/configmaps/tokens-a\"", "/registry/configmaps\"", "/registry/events/tokens-b\"", "/registry/events\"")) {
      assertThat(captured).anyMatch(l -> l.contains("\"listKey\":\"" + listKey));
    }
    Files.write(Path.of("target", "continue-tokens.jsonl"), captured);
  }
}
