/**
 * Byte-exact ports of the small pieces of the Go standard library whose output is visible on the wire:
 * {@code encoding/json} string escaping and indentation, {@code strconv.Quote}, and Go's byte-wise string order.
 * Everything here is stateless and thread-safe.
 */
package dev.breakwater.cache.golang;
