/**
 * The apiserver's error model: {@link dev.breakwater.cache.status.ApiStatus} (a {@code metav1.Status} with
 * {@code status: Failure}) and {@link dev.breakwater.cache.status.Result}, the value every cache-core operation
 * returns instead of throwing on bad input.
 */
package dev.breakwater.cache.status;
