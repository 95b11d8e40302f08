/**
 * The real-apiserver fixture as a library: {@link dev.breakwater.local.FixtureBinaries} (where
 * {@code e2e/fixture/build.sh} put etcd, kube-apiserver and kubectl) and
 * {@link dev.breakwater.local.LocalCluster} (etcd + kube-apiserver on free loopback ports, its own
 * PKI and kubeconfig, stop/kill/restart). Its own Maven module ({@code fixture-launcher/}), not
 * part of the proxy's packages: the CLI's {@code local} command, the e2e tests and the benchmark
 * harness share it.
 */
package dev.breakwater.local;
