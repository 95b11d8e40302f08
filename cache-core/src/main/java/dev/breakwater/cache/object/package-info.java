/**
 * Cached objects: the raw JSON bytes of one Kubernetes object as upstream sent them, plus the few metadata and
 * field values the cache needs (key, resourceVersion, labels, selectable fields), extracted in one streaming pass,
 * and the read access selectors match through ({@link dev.breakwater.cache.object.LabelSource},
 * {@link dev.breakwater.cache.object.FieldSource}).
 */
package dev.breakwater.cache.object;
