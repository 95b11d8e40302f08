package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Helpers of the ported printers, with the apiserver's answers (1.36.3) for the same inputs. */
class BuiltInTableConvertorsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void bookmarksGainTheKindsZeroValuesAndTheDaemonSetGeneration() {
    String periodic = "{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"resourceVersion\":\"947\"}}";
    String initialEnd = "{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"resourceVersion\":\"9\","
        + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}";
    assertThat(new String(BuiltInTableConvertors.withZeroValues(periodic.getBytes(StandardCharsets.UTF_8), ",\"spec\":{}", true),
        StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"resourceVersion\":\"947\","
            + "\"annotations\":{\"deprecated.daemonset.template.generation\":\"0\"}},\"spec\":{}}");
    assertThat(new String(BuiltInTableConvertors.withZeroValues(initialEnd.getBytes(StandardCharsets.UTF_8), "", true),
        StandardCharsets.UTF_8)).isEqualTo("{\"kind\":\"DaemonSet\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"resourceVersion\":\"9\","
            + "\"annotations\":{\"deprecated.daemonset.template.generation\":\"0\",\"k8s.io/initial-events-end\":\"true\"}}}");
  }

  @Test
  void labelSelectorsPrintAsLabelSelectorAsSelector() throws Exception {
    var selector = JSON.readTree("{\"matchLabels\":{\"app\":\"d1\"},\"matchExpressions\":[{\"key\":\"zz\",\"operator\":\"Exists\"},"
        + "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"web\",\"api\"]},{\"key\":\"b\",\"operator\":\"DoesNotExist\"}]}");
    assertThat(BuiltInTableConvertors.formatLabelSelector(selector, "<none>")).isEqualTo("app=d1,!b,tier in (api,web),zz"); // sorted by key, as kubectl shows it
    assertThat(BuiltInTableConvertors.formatLabelSelector(JSON.readTree("{}"), "<none>")).isEqualTo("<none>");
    assertThat(BuiltInTableConvertors.formatLabelSelector(JSON.missingNode(), "")).isEmpty();
  }

  @Test
  void podStatusFollowsInitContainersThenContainers() throws Exception {
    var pod = JSON.readTree("""
        {"metadata":{"name":"p","creationTimestamp":"2026-11-22T08:00:00Z"},
         "spec":{"initContainers":[{"name":"i1"},{"name":"side","restartPolicy":"Always"}],"containers":[{"name":"a"}]},
         "status":{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
           "lastState":{"terminated":{"exitCode":1,"finishedAt":"2026-11-22T08:05:00Z"}}}]}}
        """);
    assertThat(new PodTableConvertor().cells(pod, Instant.parse("2026-11-22T08:10:00Z")))
        .containsExactly("p", "0/2", "Init:CrashLoopBackOff", "2 (5m ago)", "10m", "<none>", "<none>", "<none>", "<none>");
  }

  @Test
  void servesOnlyTheMinorReleaseItWasPortedFrom() {
    assertThat(BuiltInTableConvertors.portedFrom("1", "36")).isTrue();
    assertThat(BuiltInTableConvertors.portedFrom("1", "36+")).isTrue(); // GKE, EKS
    assertThat(BuiltInTableConvertors.portedFrom("1", "35")).isFalse();
    assertThat(BuiltInTableConvertors.portedFrom("1", "37")).isFalse();
    assertThat(BuiltInTableConvertors.portedFrom("1", "3")).isFalse();
    assertThat(BuiltInTableConvertors.portedFrom("", "")).isFalse();
    assertThat(BuiltInTableConvertors.portedFrom(null, "36")).isFalse();
  }
}
