package dev.breakwater.bench.client;

import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the benchmark's data straight to the apiserver: namespaces, ConfigMaps and Secrets of a
 * chosen JSON size filled with random base64 (incompressible, so no arm gains from it), several
 * writers at once; and removes it again with a DELETE of the collection.
 */
public final class TestData {

  private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
  /** Roughly the JSON around the payload: kind, metadata with managedFields, timestamps. */
  static final int ENVELOPE_BYTES = 420;

  private TestData() {}

  public static String name(int i) {
    return String.format("obj-%06d", i);
  }

  public static void ensureNamespace(Endpoint admin, String ns) throws IOException, InterruptedException {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}";
    HttpResponse<String> r = send(admin, admin.request("/api/v1/namespaces").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (r.statusCode() != 201 && r.statusCode() != 409) {
      throw new IOException("create namespace " + ns + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /**
   * Creates {@code count} objects {@code obj-000000…} of {@code resource} ("configmaps",
   * "secrets" or "podtemplates") in {@code ns}, object {@code i} of about {@code jsonBytes.applyAsInt(i)} bytes of
   * JSON, {@code writers} requests in flight.
   */
  public static void create(Endpoint admin, String ns, String resource, int count, IntUnaryOperator jsonBytes, int writers)
      throws IOException, InterruptedException {
    Semaphore inFlight = new Semaphore(writers);
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < count; i++) {
        int n = i;
        inFlight.acquire();
        done.add(ex.submit(() -> {
          try {
            createOne(admin, ns, resource, n, jsonBytes.applyAsInt(n));
            return null;
          } finally {
            inFlight.release();
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IOException("creating " + resource + " in " + ns + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  static void createOne(Endpoint admin, String ns, String resource, int i, int jsonBytes) throws IOException, InterruptedException {
    String body = body(resource, name(i), Math.max(16, jsonBytes - ENVELOPE_BYTES), i);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r = send(admin, admin.request("/api/v1/namespaces/" + ns + "/" + resource)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
      if (r.statusCode() == 201 || r.statusCode() == 409) {
        return;
      }
      if (attempt >= 5 || r.statusCode() < 429) {
        throw new IOException("create " + resource + " " + name(i) + ": HTTP " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(200L * attempt);
    }
  }

  /** A ConfigMap or Secret whose single data value (a PodTemplate: annotation) is {@code payload} characters of random base64. */
  static String body(String resource, String name, int payload, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 7919 + payload);
    byte[] raw = new byte[payload / 4 * 3];
    rnd.nextBytes(raw);
    String value = Base64.getEncoder().encodeToString(raw);
    if (resource.equals("podtemplates")) {
      // Nothing inside the apiserver watches podtemplates (no controller-manager runs): the payload is an annotation.
      return "{\"apiVersion\":\"v1\",\"kind\":\"PodTemplate\",\"metadata\":{\"name\":\"" + name
          + "\",\"labels\":{\"app\":\"breakwater-bench\"},\"annotations\":{\"bench/payload\":\"" + value + "\"}},"
          + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}}";
    }
    String kind = resource.equals("secrets") ? "Secret" : "ConfigMap";
    return "{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"app\":\"breakwater-bench\"}},\"data\":{\"payload\":\"" + value + "\"}}";
  }

  /** JSON merge patch of one object; returns the new resourceVersion. */
  public static long patch(Endpoint admin, String ns, String resource, String name, String mergePatch)
      throws IOException, InterruptedException {
    HttpResponse<String> r = send(admin, admin.request("/api/v1/namespaces/" + ns + "/" + resource + "/" + name)
        .header("Content-Type", "application/merge-patch+json").method("PATCH", HttpRequest.BodyPublishers.ofString(mergePatch)));
    if (r.statusCode() != 200) {
      throw new IOException("patch " + resource + " " + ns + "/" + name + ": HTTP " + r.statusCode() + " " + r.body());
    }
    Matcher m = RV.matcher(r.body());
    if (!m.find()) {
      throw new IOException("no resourceVersion in the PATCH response");
    }
    return Long.parseLong(m.group(1));
  }

  /** Deletes every {@code resource} in {@code ns} and waits until a LIST finds none. */
  public static void deleteAll(Endpoint admin, String ns, String resource) throws IOException, InterruptedException {
    String coll = "/api/v1/namespaces/" + ns + "/" + resource;
    HttpResponse<String> r = send(admin, admin.request(coll).timeout(Duration.ofMinutes(10)).DELETE());
    if (r.statusCode() != 200 && r.statusCode() != 404) {
      throw new IOException("delete " + coll + ": HTTP " + r.statusCode() + " " + r.body());
    }
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> l = send(admin, admin.request(coll + "?limit=1"));
      if (l.statusCode() == 200 && l.body().contains("\"items\":[]")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(coll + " still not empty after 5 minutes");
  }

  /** The current resourceVersion of a collection (a LIST with limit=1, RV unset: a consistent read). */
  public static String currentResourceVersion(Endpoint ep, String collection) throws IOException, InterruptedException {
    HttpResponse<String> r = send(ep, ep.request(collection + "?limit=1"));
    if (r.statusCode() != 200) {
      throw new IOException("LIST " + collection + " via " + ep.arm() + ": HTTP " + r.statusCode() + " " + r.body());
    }
    Matcher m = RV.matcher(r.body());
    if (!m.find()) {
      throw new IOException("no resourceVersion in " + r.body());
    }
    return m.group(1);
  }

  static HttpResponse<String> send(Endpoint ep, HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpRequest req = b.build();
    if (req.timeout().isEmpty()) {
      req = HttpRequest.newBuilder(req, (n, v) -> true).timeout(Duration.ofSeconds(60)).build();
    }
    return ep.http().send(req, HttpResponse.BodyHandlers.ofString());
  }
}
