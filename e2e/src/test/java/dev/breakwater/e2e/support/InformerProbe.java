package dev.breakwater.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The fixture's {@code informer-probe} (e2e/fixture/cmd/informer-probe): N independent client-go
 * v0.36.3 informers in one process, each with its own transport and connections, on one
 * resource. It prints {@code {"synced":…}} once all have synced, then answers {@code dump} (each
 * informer's store as key → resourceVersion) and {@code requests} (each informer's requests as
 * sent, with their status, and how many connections it dialed) on stdin.
 */
public final class InformerProbe implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path stderr;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final OutputStream stdin;

  /** What the probe printed once every informer had synced. */
  public record Synced(int informers, boolean watchListClient, long millis) {}

  /** One informer's requests ("GET /api/v1/…?… 200", in the order their responses arrived) and dials. */
  public record Requests(int informer, long dials, List<String> requests) {}

  private InformerProbe(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.stdin = process.getOutputStream();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofVirtual().name("informer-probe-stdout").start(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // process ended
      }
    });
  }

  /**
   * What the informers ask for: typed informers with client-go's default for built-in types
   * ({@code application/vnd.kubernetes.protobuf,application/json}) or {@code application/json}; or
   * metadata informers (k8s.io/client-go/metadata: PartialObjectMetadata, protobuf first).
   */
  public enum ContentType {
    DEFAULT, JSON, METADATA;

    String flag() {
      return this == METADATA ? "default" : name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Starts {@code informers} informers on {@code resource} (core v1, e.g. {@code configmaps}) in {@code namespace} against {@code target}
   * ({@code --server http://…} for Breakwater, {@code --kubeconfig …} for the apiserver), with
   * client-go's WatchListClient feature set through {@code KUBE_FEATURE_WatchListClient}.
   */
  public static InformerProbe start(List<String> target, String resource, String namespace, int informers, boolean watchListClient,
                                    ContentType contentType) {
    return start(target, resource, namespace, informers, watchListClient, contentType, 0);
  }

  /**
   * {@link #start}, informer i listing and watching only shard i mod {@code shards} of {@code shards} equal ranges of the
   * uid hash space ({@code ListOptions.ShardSelector}, {@code --shards}); 0: no shard selector.
   */
  public static InformerProbe start(List<String> target, String resource, String namespace, int informers, boolean watchListClient,
                                    ContentType contentType, int shards) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Fixture.informerProbe().toString());
    cmd.addAll(target);
    cmd.addAll(List.of("--namespace", namespace, "--resource", resource, "--informers", String.valueOf(informers),
        "--content-type", contentType.flag(), "--sync-timeout", "60s"));
    if (contentType == ContentType.METADATA) {
      cmd.add("--metadata");
    }
    if (shards > 0) {
      cmd.add("--shards=" + shards);
    }
    try {
      Path err = Files.createTempFile("informer-probe-", ".stderr");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
      pb.environment().put("KUBE_FEATURE_WatchListClient", String.valueOf(watchListClient));
      return new InformerProbe(pb.start(), err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run informer-probe", e);
    }
  }

  public static List<String> server(String url) {
    return List.of("--server", url);
  }

  public static List<String> kubeconfig(Path kubeconfig) {
    return List.of("--kubeconfig", kubeconfig.toString());
  }

  public Synced awaitSynced(Duration timeout) {
    JsonNode n = next(timeout);
    if (!n.has("synced")) {
      throw new AssertionError("informer-probe did not sync: " + n + "\n" + stderr());
    }
    return new Synced(n.get("synced").asInt(), n.get("watchListClient").asBoolean(), n.get("millis").asLong());
  }

  /** Each informer's store: key (namespace/name) → resourceVersion, indexed by informer. */
  public List<Map<String, String>> dump() {
    List<Map<String, String>> stores = new ArrayList<>();
    for (JsonNode n : ask("dump")) {
      Map<String, String> items = new TreeMap<>();
      n.get("items").properties().forEach(e -> items.put(e.getKey(), e.getValue().asText()));
      stores.add(items);
    }
    return stores;
  }

  public List<Requests> requests() {
    List<Requests> all = new ArrayList<>();
    for (JsonNode n : ask("requests")) {
      List<String> reqs = new ArrayList<>();
      n.get("requests").forEach(r -> reqs.add(r.asText()));
      all.add(new Requests(n.get("informer").asInt(), n.get("dials").asLong(), reqs));
    }
    return all;
  }

  /** What the probe wrote on stderr so far (client-go's logs), for failure messages. */
  public String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  private List<JsonNode> ask(String command) {
    try {
      stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("informer-probe stdin: " + stderr(), e);
    }
    List<JsonNode> answer = new ArrayList<>();
    for (JsonNode n = next(ANSWER_TIMEOUT); !command.equals(n.path("end").asText()); n = next(ANSWER_TIMEOUT)) {
      if (n.has("error")) {
        throw new AssertionError("informer-probe: " + n.get("error").asText() + "\n" + stderr());
      }
      answer.add(n);
    }
    return answer;
  }

  private JsonNode next(Duration timeout) {
    try {
      String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("informer-probe said nothing for " + timeout + (process.isAlive() ? "" : " and exited "
            + process.exitValue()) + "\n" + stderr());
      }
      return JSON.readTree(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the informers ({@code quit}), killing the process if it does not exit within 5 s. */
  @Override
  public void close() {
    try {
      stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // best effort
    }
  }
}
