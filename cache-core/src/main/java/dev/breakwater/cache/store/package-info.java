/**
 * The watch cache's ordered store and its snapshots: {@code k8s.io/apiserver/pkg/storage/cacher/store/}
 * ({@code store_btree.go}: {@code btreeStore}, {@code OrderedLister.ListPrefix}, {@code storeSnapshotter}).
 *
 * <p>{@link dev.breakwater.cache.store.OrderedStore} is immutable (a persistent sorted map), so a snapshot is the
 * reference itself; {@link dev.breakwater.cache.store.Snapshotter} keeps one per resourceVersion.
 */
package dev.breakwater.cache.store;
