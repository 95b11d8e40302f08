/**
 * The upstream feed: {@link dev.breakwater.cache.reflector.Reflector} (client-go's: list or WatchList, then
 * watch, resume, relist on 410, progress requests) keeps a {@link dev.breakwater.cache.reflector.ReflectorStore}
 * in step through a {@link dev.breakwater.cache.reflector.ListerWatcher} (the edge's HTTP adapter). Its own
 * vocabulary: {@link dev.breakwater.cache.reflector.UpstreamListOptions} /
 * {@link dev.breakwater.cache.reflector.UpstreamWatchOptions} (what it asks),
 * {@link dev.breakwater.cache.reflector.UpstreamListPage} and {@link dev.breakwater.cache.reflector.WatchFrame}
 * (what it receives, whatever the wire format).
 */
package dev.breakwater.cache.reflector;
