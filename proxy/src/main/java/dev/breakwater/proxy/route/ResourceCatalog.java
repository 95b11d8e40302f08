package dev.breakwater.proxy.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources the upstream serves, from its aggregated discovery documents
 * ({@code GET /api} and {@code /apis} with
 * {@code Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList}): for
 * each group/version/resource its kind, scope and verbs. A resource is cacheable when it has
 * both {@code list} and {@code watch}.
 *
 * <p>Immutable; a refresh builds a new catalog (the holder swaps a volatile reference). Bad
 * input: a document that is not an APIGroupDiscoveryList yields an {@link IOException}; entries
 * missing fields are skipped.
 */
public final class ResourceCatalog {

  /** Accept header for aggregated discovery v2. */
  public static final String DISCOVERY_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One served resource. */
  public record Resource(String group, String version, String resource, String kind, boolean namespaced, List<String> verbs) {

    public boolean cacheable() {
      return verbs.contains("list") && verbs.contains("watch");
    }

    /** {@code v1} or {@code apps/v1}. */
    public String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    /** The collection path across namespaces, e.g. {@code /api/v1/configmaps}. */
    public String collectionPath() {
      return (group.isEmpty() ? "/api/" : "/apis/" + group + "/") + version + "/" + resource;
    }

    /**
     * Kubernetes' own API groups; custom resources use other groups (save the rare approved
     * {@code *.k8s.io} CRD, which this treats as built-in).
     */
    public boolean builtIn() {
      return group.isEmpty() || group.endsWith(".k8s.io") || group.equals("apps") || group.equals("batch")
          || group.equals("autoscaling") || group.equals("policy");
    }

    /** {@code configmaps} or {@code deployments.apps}, as GroupResource prints. */
    public String groupResource() {
      return group.isEmpty() ? resource : resource + "." + group;
    }
  }

  private record Key(String group, String version, String resource) {}

  private final Map<Key, Resource> resources;

  private ResourceCatalog(Map<Key, Resource> resources) {
    this.resources = Map.copyOf(resources);
  }

  public static ResourceCatalog empty() {
    return new ResourceCatalog(Map.of());
  }

  /** Builds a catalog from the bodies of {@code /api} and {@code /apis} discovery documents. */
  public static ResourceCatalog parse(byte[] coreDiscovery, byte[] groupsDiscovery) throws IOException {
    Map<Key, Resource> out = new HashMap<>();
    add(out, coreDiscovery);
    add(out, groupsDiscovery);
    return new ResourceCatalog(out);
  }

  private static void add(Map<Key, Resource> out, byte[] body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !"APIGroupDiscoveryList".equals(root.path("kind").asText())) {
      throw new IOException("not an APIGroupDiscoveryList");
    }
    for (JsonNode group : root.path("items")) {
      String g = group.path("metadata").path("name").asText("");
      for (JsonNode version : group.path("versions")) {
        String v = version.path("version").asText("");
        for (JsonNode r : version.path("resources")) {
          String name = r.path("resource").asText("");
          String kind = r.path("responseKind").path("kind").asText("");
          if (v.isEmpty() || name.isEmpty() || kind.isEmpty()) {
            continue;
          }
          List<String> verbs = new java.util.ArrayList<>();
          r.path("verbs").forEach(verb -> verbs.add(verb.asText()));
          out.put(new Key(g, v, name), new Resource(g, v, name, kind, "Namespaced".equals(r.path("scope").asText()), List.copyOf(verbs)));
        }
      }
    }
  }

  public Optional<Resource> lookup(String group, String version, String resource) {
    return Optional.ofNullable(resources.get(new Key(group, version, resource)));
  }

  public int size() {
    return resources.size();
  }

  /**
   * The resource a user names as GroupResource prints it ({@code configmaps},
   * {@code deployments.apps}); the version the upstream serves first in discovery order is not
   * tracked, so any served version is chosen.
   */
  public Optional<Resource> find(String groupResource) {
    return resources.values().stream().filter(r -> r.groupResource().equals(groupResource)).findFirst();
  }
}
