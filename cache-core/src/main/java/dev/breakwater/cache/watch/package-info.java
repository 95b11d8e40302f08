/**
 * The watch cache's history: a bounded ring of recent events ({@code watch_cache.go}) from which watches resume.
 */
package dev.breakwater.cache.watch;
