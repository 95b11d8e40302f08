package dev.breakwater.cache.reflector;

import dev.breakwater.cache.object.CachedObject;
import java.util.List;

/** One decoded LIST page: the list's resourceVersion, its continue token ("" = last page) and its items. */
public record UpstreamListPage(long resourceVersion, String continueToken, List<CachedObject> items) {

  public boolean last() {
    return continueToken == null || continueToken.isEmpty();
  }
}
