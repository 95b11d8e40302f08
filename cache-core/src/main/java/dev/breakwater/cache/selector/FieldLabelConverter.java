package dev.breakwater.cache.selector;

import dev.breakwater.cache.status.Result;

/**
 * Mirrors a {@code runtime.FieldLabelConversionFunc}: maps a field label in a request to the field name used for
 * matching (e.g. Pod {@code spec.host} → {@code spec.nodeName}), or fails with the kind's Go error text (the
 * apiserver answers 400 BadRequest with it). Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface FieldLabelConverter {
    /** The converted label, or an {@code Err} whose message is the Go error text. */
    Result<String> convert(String label);
}
