/**
 * Breakwater's cache core: the apiserver read-path semantics as a library (no HTTP server).
 *
 * <p>Where the concepts of {@code k8s.io/apiserver/pkg/storage/cacher/} (v0.36.3) live:
 * <table>
 *   <caption>Go counterpart → class</caption>
 *   <tr><td>{@code watch_cache.go} {@code watchCache}</td><td>{@link dev.breakwater.cache.WatchCache}</td></tr>
 *   <tr><td>{@code watchCache} event ring</td><td>{@link dev.breakwater.cache.watch.EventWindow}</td></tr>
 *   <tr><td>{@code store/store_btree.go} {@code btreeStore}, {@code OrderedLister}</td>
 *       <td>{@link dev.breakwater.cache.store.OrderedStore}</td></tr>
 *   <tr><td>{@code store/store_btree.go} {@code storeSnapshotter}</td>
 *       <td>{@link dev.breakwater.cache.store.Snapshotter}</td></tr>
 *   <tr><td>{@code cache_watcher.go} {@code cacheWatcher}</td><td>{@link dev.breakwater.cache.CacheWatcher}</td></tr>
 *   <tr><td>{@code cacher.go} {@code Cacher} (one per resource)</td><td>{@link dev.breakwater.cache.cacher.Cacher}
 *       (the read port: {@link dev.breakwater.cache.cacher.CacheReads})</td></tr>
 *   <tr><td>{@code cacher.go} {@code dispatchEvents}, bookmark buckets</td><td>{@code Dispatcher}</td></tr>
 *   <tr><td>{@code delegator.go} {@code CacheDelegator}, {@code delegator/} {@code ShouldDelegateList}</td>
 *       <td>{@link dev.breakwater.cache.delegator.ReadRouting} (plans: {@link dev.breakwater.cache.delegator.ReadPlan})</td></tr>
 *   <tr><td>client-go {@code Reflector}, {@code ListerWatcher}</td><td>{@link dev.breakwater.cache.reflector.Reflector}</td></tr>
 *   <tr><td>{@code ready.go} {@code ready}</td><td>{@link dev.breakwater.cache.Ready}</td></tr>
 *   <tr><td>{@code storage.SelectionPredicate}</td><td>{@link dev.breakwater.cache.selector.SelectionPredicate}</td></tr>
 *   <tr><td>the watch {@code ResultChan} consumer</td><td>{@link dev.breakwater.cache.WatchSink} (implemented by the proxy)</td></tr>
 *   <tr><td>{@code filters/priority-and-fairness.go} {@code tooManyRequests}; {@code cacheWatcher.add}'s budget</td>
 *       <td>{@link dev.breakwater.cache.admission.Admission} (bytes held for clients:
 *       {@link dev.breakwater.cache.admission.BytesInFlight}; per watcher: {@link dev.breakwater.cache.admission.WatcherBudget})</td></tr>
 * </table>
 *
 * <p>A read, top to bottom: {@code request.RequestInfo} (what it addresses) and
 * {@code negotiation.Negotiation} (its representation) at the edge; {@code delegator.ReadParams} parses
 * the query and {@code delegator.ReadRouting} returns the plan (reject, delegate, wait for readiness or
 * freshness, serve this read); the {@code cacher.Cacher} waits and serves it from the
 * {@link dev.breakwater.cache.WatchCache}; {@code codec} and {@code table} encode it.
 *
 * <p>Threads: one writer per resource (the upstream reflector, through
 * {@link dev.breakwater.cache.reflector.ReflectorStore}); request threads read; a ticker calls
 * {@link dev.breakwater.cache.WatchCache#tick()} about once a second. Only a
 * {@link dev.breakwater.cache.cacher.Cacher} starts threads: its own reflector/writer thread and ticker.
 */
package dev.breakwater.cache;
