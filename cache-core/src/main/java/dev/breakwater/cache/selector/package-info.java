/**
 * Label and field selectors, parsed and matched exactly as {@code k8s.io/apimachinery/pkg/labels} and
 * {@code pkg/fields} do, plus the per-kind field-label tables of the apiserver. Parsed selectors are immutable
 * and thread-safe.
 */
package dev.breakwater.cache.selector;
