package dev.breakwater.cache.cacher;

import java.util.concurrent.CompletableFuture;

/**
 * The port through which a {@link Cacher} learns the upstream's current resourceVersion for a
 * consistent read ({@code getCurrentRV}: the apiserver reads etcd's revision; a proxy sends a quorum
 * {@code LIST ?limit=1}). The RV must reflect every write that completed before a moment after
 * {@code arrivalNanos} (a {@link System#nanoTime} reading): a probe sent earlier must not be reused.
 * Implementations coalesce probes; the future fails if the upstream cannot be asked (the caller then
 * goes upstream itself). Thread-safe; never blocks.
 */
@FunctionalInterface
public interface UpstreamRevision {
  CompletableFuture<Long> currentResourceVersion(long arrivalNanos);
}
