package dev.breakwater.cache.delegator;

import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.selector.FieldLabels;
import java.util.Objects;

/**
 * What parsing a read needs to know of its resource: the storage key root the apiserver forms
 * continue tokens under ({@code /registry/configmaps}, {@code /registry/deployments.apps}), whether
 * it is namespaced, its field labels (which field selectors it accepts) and the extractor that
 * reads them from cached objects. Immutable.
 */
public record ResourceScope(String keyRoot, boolean namespaced, FieldLabels fieldLabels, ObjectExtractor extractor) {

  public ResourceScope {
    Objects.requireNonNull(keyRoot);
    Objects.requireNonNull(fieldLabels);
    Objects.requireNonNull(extractor);
  }

  /** The storage key of the collection in {@code namespace} ("" = all namespaces, or cluster-scoped). */
  public String listKey(String namespace) {
    return namespace.isEmpty() ? keyRoot : keyRoot + "/" + namespace;
  }

  /** A decoded continue key under {@code keyRoot/} → the store's key ({@code ns/name} or {@code name}); null stays null. */
  public String storeKey(String fullKey) {
    if (fullKey == null) {
      return null;
    }
    String root = keyRoot + "/";
    return fullKey.startsWith(root) ? fullKey.substring(root.length()) : fullKey;
  }
}
