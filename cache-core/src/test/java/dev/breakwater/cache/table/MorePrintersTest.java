package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cells of the printers ported in {@link MorePrinters}, edge cases as printers.go handles them (1.36.3). */
class MorePrintersTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final String META = "\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"2026-11-22T09:00:00Z\"}";

  static List<Object> cells(String resource, String version, String json) throws Exception {
    JsonNode o = JSON.readTree(json);
    return BuiltInTableConvertors.lookup(resource, version).orElseThrow().cells(o, NOW);
  }

  static List<Object> cells(String resource, String json) throws Exception {
    return cells(resource, "v1", json);
  }

  @Test
  void everyPortedResourceHasAsManyCellsAsColumns() throws Exception {
    for (String r : List.of("endpointslices.discovery.k8s.io", "endpoints", "ingresses.networking.k8s.io", "persistentvolumeclaims",
        "persistentvolumes", "storageclasses.storage.k8s.io", "serviceaccounts", "roles.rbac.authorization.k8s.io",
        "clusterroles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
        "cronjobs.batch", "networkpolicies.networking.k8s.io", "poddisruptionbudgets.policy", "priorityclasses.scheduling.k8s.io",
        "customresourcedefinitions.apiextensions.k8s.io", "apiservices.apiregistration.k8s.io")) {
      TableConvertor c = BuiltInTableConvertors.lookup(r, "v1").orElseThrow(() -> new AssertionError(r));
      assertThat(c.cells(JSON.readTree("{}"), NOW)).as(r).hasSameSizeAs(c.columns());
    }
    TableConvertor hpa = BuiltInTableConvertors.lookup("horizontalpodautoscalers.autoscaling", "v2").orElseThrow();
    assertThat(hpa.cells(JSON.readTree("{}"), NOW)).hasSameSizeAs(hpa.columns());
    // autoscaling/v1 keeps metrics in annotations: not ported.
    assertThat(BuiltInTableConvertors.lookup("horizontalpodautoscalers.autoscaling", "v1")).isEmpty();
  }

  @Test
  void zeroObjectsPrintAsTheApiserverPrintsABookmark() throws Exception {
    // The cells kube-apiserver 1.36.3 printed for the bookmark rows (objects with no fields).
    assertThat(cells("endpointslices.discovery.k8s.io", "{}")).containsExactly("", "", "<unset>", "<unset>", "<unknown>");
    assertThat(cells("endpoints", "{}")).containsExactly("", "<none>", "<unknown>");
    assertThat(cells("ingresses.networking.k8s.io", "{}")).containsExactly("", "<none>", "*", "", "80", "<unknown>");
    assertThat(cells("persistentvolumeclaims", "{}")).containsExactly("", "", "", "", "", "", "<unset>", "<unknown>", "<unset>");
    assertThat(cells("persistentvolumes", "{}")).containsExactly("", "0", "", "", "", "", "", "<unset>", "", "<unknown>", "<unset>");
    assertThat(cells("storageclasses.storage.k8s.io", "{}")).containsExactly("", "", "Delete", "Immediate", false, "<unknown>");
    assertThat(cells("serviceaccounts", "{}")).containsExactly("", "<unknown>");
    assertThat(cells("roles.rbac.authorization.k8s.io", "{}")).containsExactly("", "0001-01-01T00:00:00Z");
    assertThat(cells("rolebindings.rbac.authorization.k8s.io", "{}")).containsExactly("", "/", "<unknown>", "", "", "");
    assertThat(cells("cronjobs.batch", "{}")).containsExactly("", "", "<none>", "<unset>", 0L, "<none>", "<unknown>", "", "", "<none>");
    assertThat(cells("horizontalpodautoscalers.autoscaling", "v2", "{}")).containsExactly("", "/", "<none>", "<unset>", 0L, 0L, "<unknown>");
    assertThat(cells("networkpolicies.networking.k8s.io", "{}")).containsExactly("", "<none>", "<unknown>");
    assertThat(cells("poddisruptionbudgets.policy", "{}")).containsExactly("", "N/A", "N/A", 0L, "<unknown>");
    assertThat(cells("priorityclasses.scheduling.k8s.io", "{}")).containsExactly("", 0L, false, "<unknown>", "");
    assertThat(cells("customresourcedefinitions.apiextensions.k8s.io", "{}")).containsExactly("", "0001-01-01T00:00:00Z");
    assertThat(cells("apiservices.apiregistration.k8s.io", "{}")).containsExactly("", "Local", "Unknown", "<unknown>");
  }

  @Test
  void endpointsShowThreeHostPortsThenHowManyMore() throws Exception {
    assertThat(cells("endpoints", "{" + META + ",\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"fd00::2\"}],"
        + "\"ports\":[{\"port\":80},{\"port\":443}]},{\"addresses\":[{\"ip\":\"10.0.0.9\"}]}]}"))
        .containsExactly("x", "10.0.0.1:80,[fd00::2]:80,10.0.0.1:443 + 2 more...", "60m");
    // Headless (no ports): bare IPs; a subset with no addresses prints nothing.
    assertThat(cells("endpoints", "{" + META + ",\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}]}]}")).containsExactly("x", "10.0.0.1", "60m");
    assertThat(cells("endpoints", "{" + META + ",\"subsets\":[{\"ports\":[{\"port\":80}]}]}")).containsExactly("x", "", "60m");
    assertThat(cells("endpoints", "{" + META + ",\"subsets\":[]}")).containsExactly("x", "<none>", "60m");
  }

  @Test
  void endpointSlicesListThreePortsAndAddresses() throws Exception {
    assertThat(cells("endpointslices.discovery.k8s.io", "{" + META + ",\"addressType\":\"IPv4\",\"ports\":[{\"port\":80},{\"name\":\"dns\"},"
        + "{},{\"port\":9}],\"endpoints\":[{\"addresses\":[\"1.1.1.1\",\"2.2.2.2\"]},{\"addresses\":[\"3.3.3.3\",\"4.4.4.4\",\"5.5.5.5\"]}]}"))
        .containsExactly("x", "IPv4", "80,dns,* + 1 more...", "1.1.1.1,2.2.2.2,3.3.3.3 + 2 more...", "60m");
    assertThat(cells("endpointslices.discovery.k8s.io", "{" + META + ",\"addressType\":\"FQDN\",\"ports\":[],\"endpoints\":[{\"addresses\":[]}]}"))
        .containsExactly("x", "FQDN", "<unset>", "<unset>", "60m");
  }

  @Test
  void ingressesShowThreeHostsThenHowManyMoreRules() throws Exception {
    assertThat(cells("ingresses.networking.k8s.io", "{" + META + ",\"spec\":{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"a\"},{},"
        + "{\"host\":\"b\"},{\"host\":\"c\"},{\"host\":\"d\"},{}],\"tls\":[{}]},\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"9.9.9.9\"},"
        + "{\"hostname\":\"lb.example.com\"},{\"ip\":\"1.1.1.1\"},{\"ip\":\"9.9.9.9\"}]}}}"))
        .containsExactly("x", "nginx", "a,b,c + 3 more...", "1.1.1.1,9.9.9.9,lb.example.com", "80, 443", "60m");
    assertThat(cells("ingresses.networking.k8s.io", "{" + META + ",\"spec\":{\"rules\":[{},{}]}}"))
        .containsExactly("x", "<none>", "*", "", "80", "60m");
  }

  @Test
  void volumesAndClaims() throws Exception {
    assertThat(cells("persistentvolumes", "{\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"2026-11-22T09:00:00Z\",\"deletionTimestamp\":"
        + "\"2026-11-22T09:30:00Z\",\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":\"\"}},\"spec\":{\"capacity\":{\"storage\":"
        + "\"5Gi\"},\"accessModes\":[\"ReadWriteMany\",\"ReadWriteOnce\",\"ReadWriteOnce\"],\"persistentVolumeReclaimPolicy\":\"Retain\","
        + "\"claimRef\":{\"namespace\":\"ns\",\"name\":\"c\"},\"storageClassName\":\"fast\",\"volumeMode\":\"Block\","
        + "\"volumeAttributesClassName\":\"gold\"},\"status\":{\"phase\":\"Bound\",\"reason\":\"Why\"}}"))
        .containsExactly("x", "5Gi", "RWO,RWX", "Retain", "Terminating", "ns/c", "", "gold", "Why", "60m", "Block");
    // A claim shows capacity and modes only once bound to a volume; the class from the spec when no beta annotation.
    assertThat(cells("persistentvolumeclaims", "{" + META + ",\"spec\":{\"storageClassName\":\"fast\",\"volumeMode\":\"Filesystem\","
        + "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}},\"status\":{\"phase\":\"Pending\",\"capacity\":{\"storage\":\"2Gi\"}}}"))
        .containsExactly("x", "Pending", "", "", "", "fast", "<unset>", "60m", "Filesystem");
    assertThat(cells("persistentvolumeclaims", "{" + META + ",\"spec\":{\"volumeName\":\"pv1\"},\"status\":{\"phase\":\"Bound\","
        + "\"accessModes\":[\"ReadWriteOncePod\",\"ReadOnlyMany\"]}}"))
        .containsExactly("x", "Bound", "pv1", "0", "ROX,RWOP", "", "<unset>", "60m", "<unset>");
  }

  @Test
  void storageClassesMarkTheDefault() throws Exception {
    assertThat(cells("storageclasses.storage.k8s.io", "{\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"2026-11-22T09:00:00Z\","
        + "\"annotations\":{\"storageclass.beta.kubernetes.io/is-default-class\":\"true\"}},\"provisioner\":\"p\",\"reclaimPolicy\":\"Retain\","
        + "\"volumeBindingMode\":\"WaitForFirstConsumer\",\"allowVolumeExpansion\":true}"))
        .containsExactly("x (default)", "p", "Retain", "WaitForFirstConsumer", true, "60m");
    assertThat(cells("storageclasses.storage.k8s.io", "{\"metadata\":{\"name\":\"x\",\"annotations\":{"
        + "\"storageclass.kubernetes.io/is-default-class\":\"True\"}},\"provisioner\":\"p\"}"))
        .containsExactly("x", "p", "Delete", "Immediate", false, "<unknown>");
  }

  @Test
  void bindingsSplitSubjectsByKind() throws Exception {
    assertThat(cells("clusterrolebindings.rbac.authorization.k8s.io", "{" + META + ",\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
        + "\"subjects\":[{\"kind\":\"User\",\"name\":\"u1\"},{\"kind\":\"ServiceAccount\",\"namespace\":\"ns\",\"name\":\"sa\"},"
        + "{\"kind\":\"Group\",\"name\":\"g\"},{\"kind\":\"User\",\"name\":\"u2\"},{\"kind\":\"Other\",\"name\":\"o\"}]}"))
        .containsExactly("x", "ClusterRole/view", "60m", "u1, u2", "g", "ns/sa");
  }

  @Test
  void defaultConvertorPrintsTheCreationTimeInRfc3339() throws Exception {
    assertThat(cells("roles.rbac.authorization.k8s.io", "{\"metadata\":{\"name\":\"r\",\"creationTimestamp\":\"2026-11-22T09:00:00Z\"}}"))
        .containsExactly("r", "2026-11-22T09:00:00Z");
    assertThat(cells("customresourcedefinitions.apiextensions.k8s.io", "{\"metadata\":{\"name\":\"c\",\"creationTimestamp\":"
        + "\"2026-01-02T03:04:05+02:00\"}}")).containsExactly("c", "2026-01-02T01:04:05Z");
  }

  @Test
  void cronJobs() throws Exception {
    assertThat(cells("cronjobs.batch", "{" + META + ",\"spec\":{\"schedule\":\"*/5 * * * *\",\"timeZone\":\"Etc/UTC\",\"suspend\":true,"
        + "\"jobTemplate\":{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\","
        + "\"image\":\"i1\"},{\"name\":\"c2\",\"image\":\"i2\"}]}}}}},\"status\":{\"active\":[{},{}],\"lastScheduleTime\":\"2026-11-22T09:55:00Z\"}}"))
        .containsExactly("x", "*/5 * * * *", "Etc/UTC", "True", 2L, "5m", "60m", "c1,c2", "i1,i2", "a=b");
    assertThat(cells("cronjobs.batch", "{" + META + ",\"spec\":{\"schedule\":\"@daily\",\"suspend\":false}}"))
        .containsExactly("x", "@daily", "<none>", "False", 0L, "<none>", "60m", "", "", "<none>");
  }

  @Test
  void smallKinds() throws Exception {
    assertThat(cells("networkpolicies.networking.k8s.io", "{" + META + ",\"spec\":{\"podSelector\":{\"matchExpressions\":[{\"key\":\"k\","
        + "\"operator\":\"NotIn\",\"values\":[\"b\",\"a\"]}]}}}")).containsExactly("x", "k notin (a,b)", "60m");
    assertThat(cells("poddisruptionbudgets.policy", "{" + META + ",\"spec\":{\"minAvailable\":\"50%\"},\"status\":{\"disruptionsAllowed\":3}}"))
        .containsExactly("x", "50%", "N/A", 3L, "60m");
    assertThat(cells("poddisruptionbudgets.policy", "{" + META + ",\"spec\":{\"maxUnavailable\":1}}")).containsExactly("x", "N/A", "1", 0L, "60m");
    assertThat(cells("priorityclasses.scheduling.k8s.io", "{" + META + ",\"value\":-5,\"globalDefault\":true,\"preemptionPolicy\":\"Never\"}"))
        .containsExactly("x", -5L, true, "60m", "Never");
    assertThat(cells("serviceaccounts", "{" + META + "}")).containsExactly("x", "60m");
  }

  @Test
  void apiServicesShowTheirServiceAndAvailability() throws Exception {
    assertThat(cells("apiservices.apiregistration.k8s.io", "{" + META + ",\"spec\":{\"service\":{\"namespace\":\"ns\",\"name\":\"m\"}},"
        + "\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"False\",\"reason\":\"MissingEndpoints\"},"
        + "{\"type\":\"Available\",\"status\":\"True\"}]}}")).containsExactly("x", "ns/m", "False (MissingEndpoints)", "60m");
    assertThat(cells("apiservices.apiregistration.k8s.io", "{" + META + ",\"status\":{\"conditions\":[{\"type\":\"Available\","
        + "\"status\":\"True\",\"reason\":\"Local\"}]}}")).containsExactly("x", "Local", "True", "60m");
    assertThat(cells("apiservices.apiregistration.k8s.io", "{" + META + ",\"status\":{\"conditions\":[{\"type\":\"Available\","
        + "\"status\":\"Unknown\"}]}}")).containsExactly("x", "Local", "Unknown", "60m");
  }

  @Test
  void onlyApiServicesSendColumnsInEveryWatchEvent() {
    // kube-aggregator's ConvertToTable ignores TableOptions.NoHeaders (seen on 1.36.3: every event of an apiservices watch).
    assertThat(BuiltInTableConvertors.lookup("apiservices.apiregistration.k8s.io", "v1").orElseThrow().columnsInEveryEvent()).isTrue();
    assertThat(BuiltInTableConvertors.lookup("customresourcedefinitions.apiextensions.k8s.io", "v1").orElseThrow().columnsInEveryEvent())
        .isFalse();
    assertThat(BuiltInTableConvertors.lookup("cronjobs.batch", "v1").orElseThrow().columnsInEveryEvent()).isFalse();
  }

  @Test
  void hpaTargetsShowTwoMetricsThenHowManyMore() throws Exception {
    String spec = "\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"d\"},\"minReplicas\":2,\"maxReplicas\":7,\"metrics\":["
        + "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}},"
        + "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"qps\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"1k\"}}},"
        + "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"q\"},\"target\":{\"type\":\"Value\",\"value\":\"500m\"}}}]}";
    assertThat(cells("horizontalpodautoscalers.autoscaling", "v2", "{" + META + "," + spec + ",\"status\":{\"currentReplicas\":3,"
        + "\"currentMetrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"current\":{\"averageUtilization\":55,"
        + "\"averageValue\":\"100m\"}}}]}}"))
        .containsExactly("x", "Deployment/d", "cpu: 55%/80%, <unknown>/1k + 1 more...", "2", 7L, 3L, "60m");
    assertThat(MorePrinters.formatHpaMetrics(JSON.readTree("[{\"type\":\"Object\",\"object\":{\"target\":{\"averageValue\":\"2\"}}},"
        + "{\"type\":\"External\",\"external\":{\"target\":{\"value\":\"3\"}}}]"), JSON.readTree("[{\"type\":\"Object\",\"object\":"
        + "{\"current\":{\"value\":\"1\"}}},{\"type\":\"External\",\"external\":{\"current\":{\"averageValue\":\"4\"}}}]")))
        .isEqualTo("<unknown>/2 (avg), <nil>/3");
    assertThat(MorePrinters.formatHpaMetrics(JSON.readTree("[{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"memory\","
        + "\"container\":\"c\",\"target\":{\"type\":\"Utilization\"}}},{\"type\":\"Bogus\"}]"), JSON.readTree("[]")))
        .isEqualTo("memory: <unknown>/<auto>, <unknown type>");
  }
}
