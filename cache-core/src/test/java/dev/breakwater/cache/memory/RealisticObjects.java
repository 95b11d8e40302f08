package dev.breakwater.cache.memory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;

/**
 * A realistic mix of objects as the apiserver writes them as LIST items (bare, with managed
 * fields): Pods (~4–6 KB), ConfigMaps (~0.5–3 KB), Secrets (~1–4 KB) and custom resources
 * (~1–2 KB, with apiVersion/kind). Deterministic for a seed.
 */
final class RealisticObjects {

  private final Random random;
  private long rv = 1000;

  RealisticObjects(long seed) {
    this.random = new Random(seed);
  }

  byte[] next(int i) {
    String json = switch (i % 4) {
      case 0 -> pod(i);
      case 1 -> configMap(i);
      case 2 -> secret(i);
      default -> widget(i);
    };
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private String meta(String name, String ns, String extraLabels, String managedFields) {
    return "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"uid\":\"" + new UUID(random.nextLong(), random.nextLong())
        + "\",\"resourceVersion\":\"" + (rv++) + "\",\"creationTimestamp\":\"2026-11-22T05:30:57Z\",\"labels\":{\"app\":\"app-" + (random.nextInt(50))
        + "\",\"tier\":\"backend\"" + extraLabels + "},\"managedFields\":[" + managedFields + "]}";
  }

  private static String managed(String manager, String fields) {
    return "{\"manager\":\"" + manager + "\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-22T05:30:57Z\","
        + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" + fields + "}";
  }

  private String pod(int i) {
    String name = "web-" + Integer.toHexString(random.nextInt()) + "-" + i;
    String ns = "ns-" + (i % 40);
    String mf = managed("kube-controller-manager", "{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},\"f:pod-template-hash\":{}},"
        + "\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"0b8f\\\"}\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},"
        + "\"f:image\":{},\"f:imagePullPolicy\":{},\"f:name\":{},\"f:ports\":{},\"f:resources\":{},\"f:terminationMessagePath\":{}}},\"f:dnsPolicy\":{},"
        + "\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},\"f:securityContext\":{},\"f:terminationGracePeriodSeconds\":{}}}")
        + "," + managed("kubelet", "{\"f:status\":{\"f:conditions\":{},\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:phase\":{},\"f:podIP\":{},\"f:podIPs\":{},\"f:startTime\":{}}}");
    String env = "";
    for (int e = 0; e < 3 + random.nextInt(8); e++) {
      env += (e > 0 ? "," : "") + "{\"name\":\"ENV_" + e + "\",\"value\":\"" + Long.toHexString(random.nextLong()) + "\"}";
    }
    return "{" + meta(name, ns, ",\"pod-template-hash\":\"7d9f8b6c5\"", mf)
        + ",\"spec\":{\"volumes\":[{\"name\":\"kube-api-access\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}}],\"defaultMode\":420}}],"
        + "\"containers\":[{\"name\":\"app\",\"image\":\"registry.example.com/team/app:v1." + i % 7 + "\",\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
        + "\"env\":[" + env + "],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},"
        + "\"volumeMounts\":[{\"name\":\"kube-api-access\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}],"
        + "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],"
        + "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\","
        + "\"nodeName\":\"node-" + (i % 100) + "\",\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\","
        + "\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
        + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-22T05:31:10Z\"},"
        + "{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-22T05:30:57Z\"}],\"hostIP\":\"10.0." + (i % 250)
        + ".1\",\"podIP\":\"10.244." + (i % 250) + "." + (i % 200) + "\",\"podIPs\":[{\"ip\":\"10.244." + (i % 250) + "." + (i % 200) + "\"}],"
        + "\"startTime\":\"2026-11-22T05:30:57Z\",\"containerStatuses\":[{\"name\":\"app\",\"state\":{\"running\":{\"startedAt\":\"2026-11-22T05:31:05Z\"}},"
        + "\"ready\":true,\"restartCount\":0,\"image\":\"registry.example.com/team/app:v1\",\"imageID\":\"registry.example.com/team/app@sha256:"
        + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()) + "\",\"containerID\":\"containerd://" + Long.toHexString(random.nextLong())
        + "\",\"started\":true}],\"qosClass\":\"Burstable\"}}";
  }

  private String data(int entries, int valueLen) {
    StringBuilder sb = new StringBuilder();
    for (int e = 0; e < entries; e++) {
      byte[] v = new byte[valueLen];
      random.nextBytes(v);
      sb.append(e > 0 ? "," : "").append("\"key-").append(e).append("\":\"").append(Base64.getEncoder().encodeToString(v)).append('"');
    }
    return sb.toString();
  }

  private String configMap(int i) {
    return "{" + meta("config-" + i, "ns-" + (i % 40), "", managed("kubectl", "{\"f:data\":{\".\":{}}}"))
        + ",\"data\":{" + data(1 + random.nextInt(4), 100 + random.nextInt(500)) + "}}";
  }

  private String secret(int i) {
    return "{" + meta("secret-" + i, "ns-" + (i % 40), "", managed("kubectl", "{\"f:data\":{\".\":{}},\"f:type\":{}}"))
        + ",\"data\":{" + data(1 + random.nextInt(4), 300 + random.nextInt(700)) + "},\"type\":\"Opaque\"}";
  }

  private String widget(int i) {
    return "{\"apiVersion\":\"e2e.breakwater.dev/v1\",\"kind\":\"Widget\"," + meta("widget-" + i, "ns-" + (i % 40), "", managed("controller", "{\"f:spec\":{}}"))
        + ",\"spec\":{\"size\":" + random.nextInt(100) + ",\"owner\":\"team-" + random.nextInt(20) + "\",\"description\":\""
        + "lorem ipsum ".repeat(20 + random.nextInt(60)) + "\"},\"status\":{\"observedGeneration\":1,\"ready\":true}}";
  }
}
