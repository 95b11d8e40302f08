/**
 * Label and field selectors, parsed and matched exactly as {@code k8s.io/apimachinery/pkg/labels} and
 * {@code pkg/fields} do, plus the per-kind field-label tables of the apiserver, and shard selectors
 * ({@link dev.breakwater.cache.selector.ShardSelector}, KEP-5866) as the apiserver's {@code pkg/sharding} parses and matches them. Parsed selectors are immutable
 * and thread-safe.
 */
package dev.breakwater.cache.selector;
