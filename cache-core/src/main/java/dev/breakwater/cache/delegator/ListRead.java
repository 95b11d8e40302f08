package dev.breakwater.cache.delegator;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.status.Result;
import java.util.Objects;
import java.util.Optional;

/**
 * The LIST page a plan serves: the {@link WatchCache.ListRequest} to run, and how the next page's
 * continue token is written — relative to the key of the namespace the LIST ran in, in the serving
 * path's form ({@code "/c2\0"} on the watch-cache path, {@code "c2\0"} on the etcd path).
 *
 * @param request      the page to read; for a consistent read its RV is bound after the probe
 * @param keyRoot      the storage key root ({@code /registry/configmaps})
 * @param tokenPrefix  the key prefix token starts are relative to
 */
public record ListRead(WatchCache.ListRequest request, String keyRoot, String tokenPrefix) {

  public ListRead {
    Objects.requireNonNull(request);
    Objects.requireNonNull(keyRoot);
    Objects.requireNonNull(tokenPrefix);
  }

  /** This read at the upstream's current RV (a consistent read, once fresh). */
  public ListRead atResourceVersion(long resourceVersion) {
    return new ListRead(request.withResourceVersion(resourceVersion), keyRoot, tokenPrefix);
  }

  /**
   * The continue token for the page after {@code result}, empty on the last page; an error Status
   * if the key cannot be encoded (never from keys the store holds).
   */
  public Result<Optional<String>> continueToken(WatchCache.ListResult result) {
    String next = result.page().continueKey();
    if (next == null) {
      return Result.ok(Optional.empty());
    }
    return ContinueToken.encode(keyRoot + "/" + next, tokenPrefix, result.resourceVersion()).map(Optional::of);
  }
}
