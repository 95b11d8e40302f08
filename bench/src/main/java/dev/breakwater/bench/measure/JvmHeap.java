package dev.breakwater.bench.measure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Breakwater process's live heap and metrics.
 *
 * <p>Live heap = the "Total" bytes of {@code jcmd <pid> GC.class_histogram}, which runs a full
 * collection first and then sums the sizes of the objects still reachable. Unlike "heap used"
 * after a GC (ZGC counts whole 2 MB pages), it is exact to the byte, so small differences (a
 * thousand idle watchers) are measurable.
 */
public final class JvmHeap {

  private JvmHeap() {}

  /** Bytes of reachable objects in the JVM {@code pid}, after a full GC. */
  public static long liveBytes(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out.lines().limit(5).toList());
    }
    List<String> total = out.lines().filter(l -> l.trim().startsWith("Total")).toList();
    if (total.isEmpty()) {
      throw new IOException("no Total line in jcmd GC.class_histogram output: " + out.lines().limit(5).toList());
    }
    String[] f = total.getLast().trim().split("\\s+");
    return Long.parseLong(f[f.length - 1]);
  }

  /** The admin listener's {@code /metrics}. */
  public static PromText metrics(URI admin) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return PromText.parse(http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    }
  }
}
