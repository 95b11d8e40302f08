/**
 * The watch cache's history: a bounded ring of recent events ({@code watch_cache.go}) from which watches resume,
 * and the one watch event type vocabulary ({@link dev.breakwater.cache.watch.EventType}).
 */
package dev.breakwater.cache.watch;
