package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * A cluster-sized population for S9, written straight to the apiserver with many requests in
 * flight (JSON over HTTP/1.1, one connection per in-flight request): ConfigMaps of a fixed JSON size
 * spread over namespaces ({@link TestData#body}), and real Pods as a Deployment's ReplicaSet would
 * create them and a kubelet would report them — a container with env, a probe, resources and
 * mounts, the projected service-account volume, an owner reference, a node name — whose status
 * (Running, five conditions, IPs, a container status) is then written through the {@code status}
 * subresource, as a kubelet writes it. No kubelet or controller runs in the fixture, so nothing
 * changes them afterwards.
 *
 * <p>Bad input: a write answered other than 201/409 (create) or 200 (status) is retried on 429 and
 * 5xx up to five times, then fails the population with the apiserver's answer.
 */
public final class ClusterData {

  /** Creation time written into every pod's status (the apiserver sets creationTimestamp itself). */
  static final String STARTED = "2026-12-01T08:00:00Z";

  private ClusterData() {}

  /** {@code ns-prefix-00}…: the namespace of object {@code i} of {@code namespaces}. */
  public static String namespace(String prefix, int i, int namespaces) {
    return String.format("%s-%02d", prefix, i % namespaces);
  }

  /**
   * Runs {@code count} tasks ({@code task.apply(i)} performs object {@code i}'s writes), {@code writers}
   * at a time on virtual threads; the first failure fails the whole call.
   */
  public static void parallel(int count, int writers, IntFunction<WriteTask> task) throws IOException, InterruptedException {
    Semaphore inFlight = new Semaphore(writers);
    List<java.util.concurrent.Future<?>> done = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        WriteTask t = task.apply(i);
        inFlight.acquire();
        done.add(ex.submit(() -> {
          try {
            t.run();
            return null;
          } finally {
            inFlight.release();
          }
        }));
        if (done.size() >= 4096) {
          // Keep the futures list short: check and drop the completed head.
          drainDone(done);
        }
      }
      for (var f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static void drainDone(List<java.util.concurrent.Future<?>> done) throws ExecutionException, InterruptedException {
    List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
    for (var f : done) {
      if (f.isDone()) {
        f.get();
      } else {
        pending.add(f);
      }
    }
    done.clear();
    done.addAll(pending);
  }

  /** One object's writes. */
  @FunctionalInterface
  public interface WriteTask {
    void run() throws IOException, InterruptedException;
  }

  /** Creates ConfigMap {@code name} of about {@code jsonBytes} in {@code ns}. */
  public static void createConfigMap(Endpoint admin, String ns, String name, int jsonBytes, long seed)
      throws IOException, InterruptedException {
    String body = TestData.body("configmaps", name, Math.max(16, jsonBytes - TestData.ENVELOPE_BYTES), seed);
    send(admin, "/api/v1/namespaces/" + ns + "/configmaps", "POST", "application/json", body, 201, 409);
  }

  /** Creates pod {@code i} in {@code ns} and writes its Running status through the status subresource. */
  public static void createPod(Endpoint admin, String ns, int i) throws IOException, InterruptedException {
    SplittableRandom rnd = new SplittableRandom(i * 104729L + 17);
    String name = podName(i, rnd);
    send(admin, "/api/v1/namespaces/" + ns + "/pods", "POST", "application/json", podBody(ns, name, i, rnd), 201, 409);
    send(admin, "/api/v1/namespaces/" + ns + "/pods/" + name + "/status", "PATCH", "application/merge-patch+json",
        statusPatch(i, rnd), 200);
  }

  static String podName(int i, SplittableRandom rnd) {
    return String.format("web-%03d-%s-%s", i % 500, hex(rnd, 5), hex(rnd, 3)).toLowerCase();
  }

  private static String hex(SplittableRandom rnd, int bytes) {
    byte[] b = new byte[bytes];
    rnd.nextBytes(b);
    return HexFormat.of().formatHex(b).substring(0, bytes * 2 - (bytes > 3 ? 0 : 1));
  }

  private static String uuid(SplittableRandom rnd) {
    byte[] b = new byte[16];
    rnd.nextBytes(b);
    return UUID.nameUUIDFromBytes(b).toString();
  }

  /** A Deployment's pod as the apiserver receives it from a ReplicaSet controller (the apiserver adds its defaults). */
  static String podBody(String ns, String name, int i, SplittableRandom rnd) {
    String app = String.format("web-%03d", i % 500);
    String hash = "5d8f7c9b4d";
    StringBuilder env = new StringBuilder();
    String[][] vars = {{"LOG_LEVEL", "info"}, 
        {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability.svc:4317"}};
    for (String[] v : vars) {
      env.append("{\"name\":\"").append(v[0]).append("\",\"value\":\"").append(v[1]).append("\"},");
    }
    env.append("{\"name\":\"POD_IP\",\"valueFrom\":{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"status.podIP\"}}}");
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%1$s","generateName":"%2$s-%3$s-","namespace":"%4$s",
        "labels":{"app":"%2$s","pod-template-hash":"%3$s"},
        "annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"9090"},
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"%2$s-%3$s","uid":"%5$s","controller":true,"blockOwnerDeletion":true}]},
        "spec":{"nodeName":"node-%6$03d","serviceAccountName":"default",
        "containers":[{"name":"app","image":"registry.example.com/shop/%2$s:1.27.3","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
        "env":[%7$s],
        "resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1","memory":"512Mi"}},
        "volumeMounts":[{"name":"kube-api-access","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","readOnly":true}],
        "readinessProbe":{"httpGet":{"path":"/ready","port":"http","scheme":"HTTP"},"periodSeconds":10}}],
        "volumes":[{"name":"kube-api-access","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
        {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
        {"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}]}}]}}
        """.formatted(name, app, hash, ns, uuid(rnd), i % 200, env).replace("\n", "");
  }

  /** The status a kubelet reports for a running pod of {@link #podBody}. */
  static String statusPatch(int i, SplittableRandom rnd) {
    String hostIp = "10.1.0." + (i % 200 + 10);
    String podIp = "10.244." + (i / 250 % 250) + "." + (i % 250 + 2);
    String cond = "{\"type\":\"%s\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"" + STARTED + "\"}";
    StringBuilder conds = new StringBuilder();
    for (String t : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
      conds.append(conds.isEmpty() ? "" : ",").append(cond.formatted(t));
    }
    String container = """
        {"name":"%s","state":{"running":{"startedAt":"%s"}},"lastState":{},"ready":true,"restartCount":0,"image":"%s",
        "imageID":"%s@sha256:%s","containerID":"containerd://%s","started":true}""";
    String app = String.format("web-%03d", i % 500);
    String c1 = container.formatted("app", STARTED, "registry.example.com/shop/" + app + ":1.27.3",
        "registry.example.com/shop/" + app, hex32(rnd), hex32(rnd));
    return ("{\"status\":{\"phase\":\"Running\",\"conditions\":[" + conds + "],\"hostIP\":\"" + hostIp + "\",\"hostIPs\":[{\"ip\":\""
        + hostIp + "\"}],\"podIP\":\"" + podIp + "\",\"podIPs\":[{\"ip\":\"" + podIp + "\"}],\"startTime\":\"" + STARTED
        + "\",\"containerStatuses\":[" + c1 + "],\"qosClass\":\"Burstable\"}}").replace("\n", "");
  }

  private static String hex32(SplittableRandom rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Deletes every {@code resource} in {@code ns} at once ({@code gracePeriodSeconds=0}: a pod bound to
   * a node would otherwise wait for a kubelet that never comes) and waits until a LIST finds none.
   */
  public static void deleteAll(Endpoint admin, String ns, String resource) throws IOException, InterruptedException {
    String coll = "/api/v1/namespaces/" + ns + "/" + resource;
    HttpResponse<String> r = admin.http().send(admin.request(coll + "?gracePeriodSeconds=0").timeout(Duration.ofMinutes(20)).DELETE()
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 && r.statusCode() != 404) {
      throw new IOException("delete " + coll + ": HTTP " + r.statusCode() + " " + r.body());
    }
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> l = admin.http().send(admin.request(coll + "?limit=1").timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (l.statusCode() == 200 && l.body().contains("\"items\":[]")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(coll + " still not empty after 5 minutes");
  }

  private static void send(Endpoint admin, String path, String method, String contentType, String body, int... ok)
      throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpRequest req = admin.request(path).header("Content-Type", contentType).timeout(Duration.ofSeconds(60))
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
      HttpResponse<String> r = admin.http().send(req, HttpResponse.BodyHandlers.ofString());
      for (int code : ok) {
        if (r.statusCode() == code) {
          return;
        }
      }
      if (attempt >= 5 || (r.statusCode() < 429 || r.statusCode() > 429 && r.statusCode() < 500)) {
        throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(200L * attempt);
    }
  }
}
