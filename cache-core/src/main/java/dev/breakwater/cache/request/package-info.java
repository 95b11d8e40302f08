/**
 * What a request addresses and asks for, parsed as the apiserver parses it:
 * {@link dev.breakwater.cache.request.RequestInfo} ({@code RequestInfoFactory}: verb, group,
 * version, namespace, resource, name, subresource) and the query-string helpers. Pure; no HTTP
 * library.
 */
package dev.breakwater.cache.request;
