package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CachePolicyTest {

  @Test
  void excludeWinsAndEmptyIncludeMeansAll() {
    CachePolicy all = CachePolicy.DEFAULT;
    assertThat(all.allows("configmaps")).isTrue();
    CachePolicy some = new CachePolicy(Set.of("configmaps", "deployments.apps"), Set.of("deployments.apps"), Set.of(), Duration.ZERO);
    assertThat(some.allows("configmaps")).isTrue();
    assertThat(some.allows("deployments.apps")).isFalse();
    assertThat(some.allows("secrets")).isFalse();
    assertThat(new CachePolicy(Set.of(), Set.of("secrets"), Set.of(), Duration.ZERO).allows("secrets")).isFalse();
  }

  @Test
  void flagsBecomeThePolicy() {
    ServeOptions o = new ServeOptions();
    new CommandLine(o).parseArgs("--kubeconfig", "/x", "--cache", "--cache-resources", "configmaps,deployments.apps",
        "--cache-exclude", "secrets", "--cache-warm", "configmaps", "--cache-idle-timeout", "30s", "--consistent-read-budget", "7ms");
    ServeConfig c = o.toConfig();
    assertThat(c.cacheReads()).isTrue();
    assertThat(c.cachePolicy()).isEqualTo(new CachePolicy(Set.of("configmaps", "deployments.apps"), Set.of("secrets"),
        Set.of("configmaps"), Duration.ofSeconds(30)).withConsistentReadBudget(Duration.ofMillis(7)));
    assertThat(c.validate()).noneMatch(e -> e.contains("budget"));
    ServeOptions negative = new ServeOptions();
    new CommandLine(negative).parseArgs("--kubeconfig", "/x", "--consistent-read-budget=-1ms");
    assertThat(negative.toConfig().validate()).contains("--consistent-read-budget must not be negative");
    ServeOptions d = new ServeOptions();
    new CommandLine(d).parseArgs("--kubeconfig", "/x");
    assertThat(d.toConfig().cacheReads()).as("the cache is on by default").isTrue();
    assertThat(d.toConfig().cachePolicy()).isEqualTo(CachePolicy.DEFAULT);
    assertThat(CachePolicy.DEFAULT.serveStaleOnOutage()).as("consistent reads are never stale by default").isFalse();
    for (String on : new String[] {"--serve-stale-on-outage", "--serve-stale-on-outage=true"}) {
      ServeOptions s = new ServeOptions();
      new CommandLine(s).parseArgs("--kubeconfig", "/x", on);
      assertThat(s.toConfig().cachePolicy()).as(on).isEqualTo(CachePolicy.DEFAULT.withServeStaleOnOutage(true));
    }
    for (String off : new String[] {"--cache=false", "--cache=FALSE"}) {
      ServeOptions e = new ServeOptions();
      new CommandLine(e).parseArgs("--kubeconfig", "/x", off);
      assertThat(e.toConfig().cacheReads()).as(off).isFalse();
    }
  }

  @Test
  void aCacheValueThatIsNotABooleanIsAUsageError() {
    ServeOptions o = new ServeOptions();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CommandLine(o).parseArgs("--kubeconfig", "/x", "--cache=maybe"))
        .isInstanceOf(picocli.CommandLine.ParameterException.class).hasMessageContaining("--cache");
  }

  @Test
  void theConsistencyCheckIntervalDefaultsToFiveMinutesZeroTurnsItOffAndNegativeIsRefused() {
    ServeOptions d = new ServeOptions();
    new CommandLine(d).parseArgs("--kubeconfig", "/x");
    assertThat(d.toConfig().cachePolicy().consistencyCheckInterval()).isEqualTo(Duration.ofMinutes(5));
    ServeOptions off = new ServeOptions();
    new CommandLine(off).parseArgs("--kubeconfig", "/x", "--cache-consistency-check-interval", "0");
    assertThat(off.toConfig().cachePolicy().consistencyCheckInterval()).isZero();
    ServeOptions s = new ServeOptions();
    new CommandLine(s).parseArgs("--kubeconfig", "/x", "--cache-consistency-check-interval=2s");
    assertThat(s.toConfig().cachePolicy()).isEqualTo(CachePolicy.DEFAULT.withConsistencyCheckInterval(Duration.ofSeconds(2)));
    assertThat(s.toConfig().withCachePolicy(CachePolicy.DEFAULT.withConsistencyCheckInterval(Duration.ofSeconds(-1))).validate())
        .contains("--cache-consistency-check-interval must not be negative");
  }
}
