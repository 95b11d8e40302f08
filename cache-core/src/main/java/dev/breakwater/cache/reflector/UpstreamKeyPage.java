package dev.breakwater.cache.reflector;

import java.util.List;
import java.util.Objects;

/**
 * One decoded LIST page reduced to what a consistency check compares: the list's resourceVersion, its
 * continue token ("" = last page) and, per item in the order sent, its namespace, name and resourceVersion
 * (as the apiserver's {@code addObjectToDigest} reads them: strings, byte for byte).
 */
public record UpstreamKeyPage(long resourceVersion, String continueToken, List<Key> items) {

  public UpstreamKeyPage {
    continueToken = continueToken == null ? "" : continueToken;
    items = List.copyOf(items);
  }

  /** One item: {@code metadata.namespace} ("" when cluster-scoped), {@code .name}, {@code .resourceVersion}. */
  public record Key(String namespace, String name, String resourceVersion) {
    public Key {
      Objects.requireNonNull(namespace);
      Objects.requireNonNull(name);
      Objects.requireNonNull(resourceVersion);
    }

    /** The cache's store key: {@code namespace/name}, or {@code name} when cluster-scoped ({@code OrderedStore.keyOf}). */
    public String storeKey() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    @Override
    public String toString() {
      return storeKey() + "@" + resourceVersion;
    }
  }

  public boolean last() {
    return continueToken.isEmpty();
  }
}
