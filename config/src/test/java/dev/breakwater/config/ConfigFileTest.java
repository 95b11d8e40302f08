package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ConfigFileTest {

  @TempDir Path dir;

  Path write(String yaml) throws Exception {
    return Files.writeString(dir.resolve("config.yaml"), yaml);
  }

  @Test
  void everyFlagFromTheFile() throws Exception {
    Path kc = Files.writeString(dir.resolve("kc"), "apiVersion: v1\n");
    Path crt = Files.writeString(dir.resolve("tls.crt"), "x");
    Path key = Files.writeString(dir.resolve("tls.key"), "x");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
    Path frontCa = Files.writeString(dir.resolve("front-ca.crt"), "x");
    Path file = write("""
        kubeconfig: %s
        context: ctx
        listen: 0.0.0.0:8443
        admin-listen: 0.0.0.0:8444
        tls-cert: %s
        tls-key: %s
        shutdown-grace: 30s
        upstream-connect-timeout: 2s
        upstream-read-idle-timeout: 20s
        upstream-ping-timeout: 5s
        upstream-endpoints: [https://10.0.0.1:6443, https://10.0.0.2:6443]
        cache: false
        cache-resources: [configmaps, deployments.apps]
        cache-exclude: secrets
        cache-warm:
        - configmaps
        cache-idle-timeout: 0
        serve-stale-on-outage: true
        cache-consistency-check-interval: 30s
        max-inflight-bytes: 64Mi
        max-watch-queue-bytes: 524288
        auth: delegated
        client-ca-file: %s
        requestheader-client-ca-file: %s
        requestheader-allowed-names: [front-proxy]
        requestheader-username-headers: X-Remote-User
        requestheader-group-headers: [X-Remote-Group]
        requestheader-extra-headers-prefix: X-Remote-Extra-
        anonymous-auth: true
        authentication-audiences: [https://kubernetes.default.svc]
        authentication-token-webhook-cache-ttl: 20s
        authentication-token-webhook-cache-negative-ttl: 5s
        authorization-webhook-cache-authorized-ttl: 30s
        authorization-webhook-cache-unauthorized-ttl: 3s
        auth-review-timeout: 4s
        """.formatted(kc, crt, key, ca, frontCa));
    ServeConfig c = ServeOptions.parse("--config", file.toString());
    assertThat(c.kubeconfig()).isEqualTo(kc);
    assertThat(c.context()).contains("ctx");
    assertThat(c.listen()).isEqualTo(new HostPort("0.0.0.0", 8443));
    assertThat(c.adminListen()).contains(new HostPort("0.0.0.0", 8444));
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.upstreamConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.upstreamEndpointUris()).containsExactly(java.net.URI.create("https://10.0.0.1:6443"), java.net.URI.create("https://10.0.0.2:6443"));
    assertThat(c.cacheReads()).isFalse();
    assertThat(c.cachePolicy()).isEqualTo(new CachePolicy(Set.of("configmaps", "deployments.apps"), Set.of("secrets"),
        Set.of("configmaps"), Duration.ZERO, true, Duration.ofSeconds(30)));
    assertThat(c.memory()).isEqualTo(new MemoryBudget(64L << 20, 512L << 10));
    assertThat(c.upstreamHealth()).isEqualTo(new UpstreamHealth(Duration.ofSeconds(20), Duration.ofSeconds(5)));
    AuthConfig a = c.auth();
    assertThat(a.mode()).isEqualTo(AuthConfig.Mode.DELEGATED);
    assertThat(a.clientCaFile()).contains(ca);
    assertThat(a.requestHeaderCaFile()).contains(frontCa);
    assertThat(a.requestHeaderAllowedNames()).containsExactly("front-proxy");
    assertThat(a.requestHeaderUsernameHeaders()).containsExactly("X-Remote-User");
    assertThat(a.requestHeaderGroupHeaders()).containsExactly("X-Remote-Group");
    assertThat(a.requestHeaderExtraPrefixes()).containsExactly("X-Remote-Extra-");
    assertThat(a.anonymous()).isTrue();
    assertThat(a.audiences()).containsExactly("https://kubernetes.default.svc");
    assertThat(List.of(a.tokenCacheTtl(), a.tokenCacheNegativeTtl(), a.allowCacheTtl(), a.denyCacheTtl(), a.reviewTimeout()))
        .containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(4));
    assertThat(c.validate()).isEmpty();
  }

  @Test
  void flagsOverrideTheFileAndAbsentFieldsKeepTheirDefaults() throws Exception {
    Path file = write("listen: 0.0.0.0:8443\ncache-resources: [configmaps]\n");
    ServeConfig c = ServeOptions.parse("--listen=127.0.0.1:9000", "--config=" + file, "--cache-resources", "secrets");
    assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 9000));
    assertThat(c.cachePolicy().include()).containsExactly("secrets");
    assertThat(c.shutdownGrace()).isEqualTo(ServeConfig.DEFAULT_SHUTDOWN_GRACE);
    assertThat(c.cacheReads()).isTrue();
    assertThat(c.cachePolicy().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.cachePolicy().serveStaleOnOutage()).isFalse();
    assertThat(c.cachePolicy().consistencyCheckInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.memory()).isEqualTo(MemoryBudget.DEFAULT);
    assertThat(c.upstreamHealth()).isEqualTo(UpstreamHealth.DEFAULT);
  }

  @Test
  void emptyFileSetsNothing() throws Exception {
    assertThat(ServeOptions.parse("--config", write("").toString()).listen()).isEqualTo(new HostPort("127.0.0.1", 8001));
    assertThat(ServeOptions.parse("--config", write("{}\n").toString()).listen()).isEqualTo(new HostPort("127.0.0.1", 8001));
  }

  /** One bad value per field: the one-line error names the field and what it accepts. */
  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("listen: nowhere", "listen: expected HOST:PORT, got \"nowhere\" (accepted: HOST:PORT)"),
        Arguments.of("listen: 127.0.0.1:70000", "listen: port out of range in \"127.0.0.1:70000\" (accepted: HOST:PORT)"),
        Arguments.of("listen: [a, b]", "listen: expected a single value (accepted: HOST:PORT), got a list"),
        Arguments.of("admin-listen: 8002", "admin-listen: expected HOST:PORT, got \"8002\" (accepted: HOST:PORT)"),
        Arguments.of("shutdown-grace: soon", "shutdown-grace: invalid duration \"soon\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("upstream-read-idle-timeout: often",
            "upstream-read-idle-timeout: invalid duration \"often\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("upstream-ping-timeout: [1s]", "upstream-ping-timeout: expected a single value (accepted: DURATION), got a list"),
        Arguments.of("upstream-connect-timeout: 5 minutes",
            "upstream-connect-timeout: invalid duration \"5 minutes\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("cache-idle-timeout: {m: 1}", "cache-idle-timeout: expected accepted: DURATION, got a mapping"),
        Arguments.of("cache-consistency-check-interval: often",
            "cache-consistency-check-interval: invalid duration \"often\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("consistent-read-budget: [5ms]", "consistent-read-budget: expected a single value (accepted: DURATION), got a list"),
        Arguments.of("max-inflight-bytes: 64MB",
            "max-inflight-bytes: invalid byte size \"64MB\" (use e.g. 1048576, 512Ki, 64Mi, 1Gi) (accepted: BYTES)"),
        Arguments.of("max-watch-queue-bytes: [1Mi]", "max-watch-queue-bytes: expected a single value (accepted: BYTES), got a list"),
        Arguments.of("cache: maybe", "cache: 'maybe' is not a boolean (accepted: true, false)"),
        Arguments.of("serve-stale-on-outage: sometimes", "serve-stale-on-outage: 'sometimes' is not a boolean (accepted: true, false)"),
        Arguments.of("upstream-endpoints: {a: 1}", "upstream-endpoints: expected accepted: a list of URL or one comma-separated string, got a mapping"),
        Arguments.of("cache-resources: [configmaps, {a: 1}]", "cache-resources: expected a list of strings, got a mapping in it"),
        Arguments.of("cache-exclude: {secrets: true}", "cache-exclude: expected accepted: a list of RESOURCE or one comma-separated string, got a mapping"),
        Arguments.of("cache-warm: [[configmaps]]", "cache-warm: expected a list of strings, got a list in it"),
        Arguments.of("context: ~", "context: no value (remove the field for the default, accepted: NAME)"),
        Arguments.of("kubeconfig: [a]", "kubeconfig: expected a single value (accepted: FILE), got a list"),
        Arguments.of("tls-cert: {}", "tls-cert: expected accepted: FILE, got a mapping"),
        Arguments.of("tls-key: [k]", "tls-key: expected a single value (accepted: FILE), got a list"),
        Arguments.of("auth: [none]", "auth: expected a single value (accepted: none, delegated), got a list"),
        Arguments.of("auth: open", "auth: --auth must be none or delegated, got \"open\" (accepted: none, delegated)"),
        Arguments.of("client-ca-file: {}", "client-ca-file: expected accepted: FILE, got a mapping"),
        Arguments.of("requestheader-client-ca-file: [a]", "requestheader-client-ca-file: expected a single value (accepted: FILE), got a list"),
        Arguments.of("requestheader-allowed-names: {a: b}",
            "requestheader-allowed-names: expected accepted: a list of CN or one comma-separated string, got a mapping"),
        Arguments.of("requestheader-username-headers: [[X-Remote-User]]",
            "requestheader-username-headers: expected a list of strings, got a list in it"),
        Arguments.of("requestheader-group-headers: {a: b}",
            "requestheader-group-headers: expected accepted: a list of HEADER or one comma-separated string, got a mapping"),
        Arguments.of("requestheader-extra-headers-prefix: [{a: 1}]",
            "requestheader-extra-headers-prefix: expected a list of strings, got a mapping in it"),
        Arguments.of("anonymous-auth: perhaps", "anonymous-auth: 'perhaps' is not a boolean (accepted: true, false)"),
        Arguments.of("authentication-audiences: {a: b}",
            "authentication-audiences: expected accepted: a list of AUD or one comma-separated string, got a mapping"),
        Arguments.of("authentication-token-webhook-cache-ttl: 10 s",
            "authentication-token-webhook-cache-ttl: invalid duration \"10 s\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("authentication-token-webhook-cache-negative-ttl: x",
            "authentication-token-webhook-cache-negative-ttl: invalid duration \"x\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("authorization-webhook-cache-authorized-ttl: [1s]",
            "authorization-webhook-cache-authorized-ttl: expected a single value (accepted: DURATION), got a list"),
        Arguments.of("authorization-webhook-cache-unauthorized-ttl: 1 minute",
            "authorization-webhook-cache-unauthorized-ttl: invalid duration \"1 minute\" (use e.g. 500ms, 10s, 2m) (accepted: DURATION)"),
        Arguments.of("auth-review-timeout: {}", "auth-review-timeout: expected accepted: DURATION, got a mapping"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void badValueStopsWithOneLineNamingTheField(String yaml, String expected) throws Exception {
    Path file = write(yaml + "\n");
    assertThatThrownBy(() -> ServeOptions.parse("--config", file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config " + file + ": " + expected);
  }

  @Test
  void everyFieldIsCoveredByTheTable() {
    Set<String> tested = new java.util.HashSet<>();
    badValues().forEach(a -> tested.add(((String) a.get()[0]).split(":")[0]));
    assertThat(tested).containsExactlyInAnyOrderElementsOf(ConfigFile.fileOptions(serveSpec()).keySet());
  }

  @Test
  void unknownKeyListsTheAcceptedKeys() throws Exception {
    Path file = write("listen: 0.0.0.0:1\ncache-resource: [configmaps]\n");
    assertThatThrownBy(() -> ServeOptions.parse("--config", file.toString()))
        .hasMessage("config " + file + ": unknown field \"cache-resource\" (accepted: admin-listen, anonymous-auth, auth, "
            + "auth-review-timeout, authentication-audiences, authentication-token-webhook-cache-negative-ttl, "
            + "authentication-token-webhook-cache-ttl, authorization-webhook-cache-authorized-ttl, "
            + "authorization-webhook-cache-unauthorized-ttl, cache, cache-consistency-check-interval, cache-exclude, "
            + "cache-idle-timeout, cache-resources, cache-warm, client-ca-file, consistent-read-budget, context, kubeconfig, listen, max-inflight-bytes, max-watch-queue-bytes, "
            + "requestheader-allowed-names, requestheader-client-ca-file, requestheader-extra-headers-prefix, "
            + "requestheader-group-headers, requestheader-username-headers, serve-stale-on-outage, shutdown-grace, "
            + "tls-cert, tls-key, upstream-connect-timeout, upstream-endpoints, upstream-ping-timeout, upstream-read-idle-timeout)");
  }

  @Test
  void notAMappingOrNotYamlOrMissing() throws Exception {
    Path list = write("- listen\n");
    assertThatThrownBy(() -> ServeOptions.parse("--config", list.toString()))
        .hasMessage("config " + list + ": expected a mapping of flag names to values, got a list");
    Path broken = write("listen: [unclosed\n");
    assertThatThrownBy(() -> ServeOptions.parse("--config", broken.toString()))
        .hasMessageStartingWith("config " + broken + ": not valid YAML: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    Path absent = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> ServeOptions.parse("--config", absent.toString()))
        .hasMessageStartingWith("cannot read config " + absent);
    assertThatThrownBy(() -> ServeOptions.parse("--config"))
        .hasMessage("--config needs a FILE");
  }

  @Test
  void semanticChecksStillApplyToFileValues() throws Exception {
    Path file = write("shutdown-grace: -1s\ntls-cert: /nonexistent.crt\n");
    ServeConfig c = ServeOptions.parse("--config", file.toString(), "--kubeconfig",
        Files.writeString(dir.resolve("kc"), "").toString());
    assertThat(c.validate()).contains("--shutdown-grace must not be negative", "--tls-cert and --tls-key must be given together");
  }

  @Test
  void inClusterWhenNoKubeconfigAndInAPod() {
    Path home = dir;
    assertThat(ServeOptions.upstreamKubeconfig(null, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home)).isNull();
    assertThat(ServeOptions.upstreamKubeconfig(null, Map.of(), home)).isEqualTo(home.resolve(".kube/config"));
    assertThat(ServeOptions.upstreamKubeconfig(null, Map.of("KUBECONFIG", "/a:/b", "KUBERNETES_SERVICE_HOST", "h"), home))
        .isEqualTo(Path.of("/a"));
    assertThat(ServeOptions.upstreamKubeconfig(Path.of("/f"), Map.of("KUBERNETES_SERVICE_HOST", "h"), home)).isEqualTo(Path.of("/f"));
    ServeOptions o = new ServeOptions();
    new CommandLine(o).parseArgs();
    assertThat(o.toConfig(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home).inCluster()).isTrue();
    assertThat(o.toConfig(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home).validate()).isEmpty();
  }

  static CommandLine.Model.CommandSpec serveSpec() {
    return new CommandLine(new ServeOptions()).getCommandSpec();
  }

  @SuppressWarnings("unused")
  private static Optional<String> none() {
    return Optional.empty();
  }
}
