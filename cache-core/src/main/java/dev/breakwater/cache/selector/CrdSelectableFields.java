package dev.breakwater.cache.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A custom resource version's {@code selectableFields}, as its CustomResourceDefinition declares them
 * ({@code spec.versions[].selectableFields[].jsonPath}); apiextensions' {@code prepareSelectableFields}
 * names each field by its path without the leading dot, and {@link FieldLabels#forCustomResource} builds
 * the selector table from them.
 *
 * <p>Only simple dotted paths ({@code .spec.color}) are taken, which is what the cache's extractor reads;
 * CRD validation admits little else, but a version that declares any other path (brackets, say) yields
 * no fields at all rather than a partial table: the cache then knows only {@code metadata.name} /
 * {@code metadata.namespace}, and a selector on the CRD's fields goes upstream, where the apiserver
 * answers it.
 *
 * <p>Bad input (not JSON, not a CRD, no such version, non-text paths): an empty list; never throws.
 */
public final class CrdSelectableFields {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SIMPLE = Pattern.compile("\\.?[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private CrdSelectableFields() {}

  /** The JSON paths of {@code version}'s selectable fields, in declaration order; empty if none or unusable. */
  public static List<String> of(byte[] crdJson, String version) {
    JsonNode crd;
    try {
      crd = JSON.readTree(crdJson);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    if (crd == null) {
      return List.of();
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (!version.equals(v.path("name").asText(null))) {
        continue;
      }
      List<String> paths = new ArrayList<>();
      for (JsonNode f : v.path("selectableFields")) {
        JsonNode p = f.path("jsonPath");
        if (!p.isTextual() || !SIMPLE.matcher(p.asText()).matches()) {
          return List.of();
        }
        paths.add(p.asText());
      }
      return List.copyOf(paths);
    }
    return List.of();
  }
}
