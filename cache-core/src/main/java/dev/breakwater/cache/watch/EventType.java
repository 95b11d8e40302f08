package dev.breakwater.cache.watch;

/**
 * {@code watch.EventType} (k8s.io/apimachinery/pkg/watch): the one event-type vocabulary of the
 * cache — what the upstream feed delivers to the reflector (ADDED, MODIFIED, DELETED; bookmarks
 * travel separately there), what enters the history ({@link WatchEvent}: the same three), and what
 * a client's watch stream carries ({@code WatchSink.Event}: the same plus BOOKMARK).
 */
public enum EventType { ADDED, MODIFIED, DELETED, BOOKMARK }
