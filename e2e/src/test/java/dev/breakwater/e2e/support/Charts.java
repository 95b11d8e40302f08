package dev.breakwater.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chart in helm/breakwater, through helm-java (Helm's own Go code, no helm binary): template
 * and lint with a value overlay given as YAML, and the rendered manifests as trees.
 */
public final class Charts {

  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Charts() {}

  public static Path chart() {
    return Path.of(System.getProperty("breakwater.repo", "..")).resolve("helm/breakwater").toAbsolutePath().normalize();
  }

  public static Path examples() {
    return Path.of(System.getProperty("breakwater.repo", "..")).resolve("helm/examples").toAbsolutePath().normalize();
  }

  /** {@code helm template NAME chart -n NAMESPACE -f overlay}; throws with Helm's message on a schema or template error. */
  public static String template(String release, String namespace, String overlayYaml) {
    Path values = overlayFile(overlayYaml);
    try {
      return new Helm(chart()).template().withName(release).withNamespace(namespace).withKubeVersion("v1.36.3").withValuesFile(values).call();
    } finally {
      delete(values);
    }
  }

  /**
   * {@code helm lint --strict} of the chart with the overlay merged into its values.yaml (helm-java's
   * lint takes no values, so a copy of the chart with merged defaults is linted).
   */
  public static LintResult lintStrict(String overlayYaml) {
    Path copy = null;
    try {
      copy = Files.createTempDirectory("breakwater-chart-");
      Path dst = copy.resolve("breakwater");
      try (Stream<Path> files = Files.walk(chart())) {
        for (Path p : files.toList()) {
          Path target = dst.resolve(chart().relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      }
      JsonNode defaults = YAML.readTree(dst.resolve("values.yaml").toFile());
      JsonNode overlay = overlayYaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(overlayYaml);
      merge((ObjectNode) defaults, overlay);
      YAML.writeValue(dst.resolve("values.yaml").toFile(), defaults);
      return new Helm(dst).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (copy != null) {
        delete(copy);
      }
    }
  }

  /** The rendered documents, in order (empty documents dropped). */
  public static List<JsonNode> documents(String manifests) {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(manifests)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && n.isObject() && n.has("kind")) {
          docs.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  public static JsonNode find(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  public static boolean has(List<JsonNode> docs, String kind) {
    return docs.stream().anyMatch(d -> kind.equals(d.path("kind").asText()));
  }

  static void merge(ObjectNode base, JsonNode overlay) {
    overlay.properties().forEach(e -> {
      JsonNode b = base.get(e.getKey());
      if (b instanceof ObjectNode bo && e.getValue().isObject()) {
        merge(bo, e.getValue());
      } else {
        base.set(e.getKey(), e.getValue());
      }
    });
  }

  private static Path overlayFile(String yaml) {
    try {
      return Files.writeString(Files.createTempFile("breakwater-values-", ".yaml"), yaml.isBlank() ? "{}\n" : yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path p) {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // best effort
    }
  }
}
