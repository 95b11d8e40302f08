/**
 * Which of several endpoints of one upstream cluster (an HA control plane's apiservers, {@code
 * --upstream-endpoints}) Breakwater talks to: {@link dev.breakwater.cache.upstream.EndpointSelector}, the
 * decision (sticky current endpoint, fail-over on connection failures and 502/503 answers, health re-checks), with
 * no network; the proxy's {@code Upstream} applies it to every request it sends.
 */
package dev.breakwater.cache.upstream;
