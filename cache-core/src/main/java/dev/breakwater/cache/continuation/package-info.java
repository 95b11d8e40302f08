/**
 * Continue tokens for paginated LISTs, byte-compatible with {@code k8s.io/apiserver/pkg/storage/continue.go}.
 */
package dev.breakwater.cache.continuation;
