/**
 * Breakwater's cache core: the apiserver read-path semantics as a library (no HTTP server).
 */
package dev.breakwater.cache;
