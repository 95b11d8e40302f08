/**
 * The caches' edge adapters and registry: {@link dev.breakwater.proxy.cache.Discovery} (which resources the
 * upstream serves, its version), {@link dev.breakwater.proxy.cache.CacheRegistry} (running cache-core
 * {@code cacher.Cacher}s, started on first use, stopped when idle), {@link dev.breakwater.proxy.cache.CacheManager}
 * (the two plus the cache policy, as the read path asks), and the adapters a Cacher is given:
 * {@link dev.breakwater.proxy.cache.HttpListerWatcher} (its upstream feed over HTTP) and
 * {@link dev.breakwater.proxy.cache.CurrentResourceVersionProbe} (its {@code UpstreamRevision}).
 */
package dev.breakwater.proxy.cache;
