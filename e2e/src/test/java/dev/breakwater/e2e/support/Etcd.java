package dev.breakwater.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.local.LocalCluster;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The fixture's etcd, reached through its gRPC gateway on the client port (plain HTTP on loopback, on by
 * default in etcd 3.6): read the current revision and force a compaction, as the apiserver's own compactor
 * would ({@code --etcd-compaction-interval}), but now.
 */
public final class Etcd {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Etcd() {}

  /** etcd's current revision (the header of a 1-key range read). */
  public static long currentRevision(LocalCluster cluster) {
    // key "\0" (base64 "AA=="), keys_only, limit 1: any read answers the store's current revision in its header.
    JsonNode r = post(cluster, "/v3/kv/range", "{\"key\":\"AA==\",\"limit\":1,\"keys_only\":true}");
    return Long.parseLong(r.path("header").path("revision").asText());
  }

  /**
   * Compacts etcd at its current revision ({@code physical: true}: the call returns once the compaction has
   * been applied); returns that revision. Every older revision is gone afterwards: a watch or an Exact LIST
   * from one gets 410 on the etcd path.
   */
  public static long compactNow(LocalCluster cluster) {
    long rev = currentRevision(cluster);
    post(cluster, "/v3/kv/compaction", "{\"revision\":\"" + rev + "\",\"physical\":true}");
    return rev;
  }

  private static JsonNode post(LocalCluster cluster, String path, String body) {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.etcdClientUrl().resolve(path))
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("etcd " + path + ": " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("etcd " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
