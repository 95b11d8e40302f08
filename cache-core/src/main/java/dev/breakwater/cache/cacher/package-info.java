/**
 * The per-resource cache as the edge sees it — the Go {@code Cacher}'s read side:
 * {@link dev.breakwater.cache.cacher.CacheReads} (the port a LIST, GET or WATCH is planned against and
 * served from) and {@link dev.breakwater.cache.cacher.ResourceCodecs} (the codecs and the shared watch
 * encoders of one resource).
 */
package dev.breakwater.cache.cacher;
