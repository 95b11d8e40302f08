package dev.breakwater.cache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heap per cached object ≤ 1.3× its JSON size on a realistic mix (Pods, ConfigMaps, Secrets, a
 * custom resource), measured in a fresh JVM with and without JDK 25's compact object headers.
 * The figures go to target/heap-per-object-*.txt and BENCHMARKS.md.
 */
class HeapPerObjectTest {

  static final Pattern LINE = Pattern.compile("objects=(\\d+) jsonBytes=(\\d+) heapBytes=(-?\\d+) ratio=([0-9.]+)");

  @ParameterizedTest(name = "compactObjectHeaders={0}")
  @ValueSource(booleans = {true, false})
  void heapPerObjectIsAtMost1point3TimesItsJson(boolean compact) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx1g", compact ? "-XX:+UseCompactObjectHeaders" : "-XX:-UseCompactObjectHeaders",
        "-cp", System.getProperty("java.class.path"), HeapPerObject.class.getName(), "20000").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Matcher m = LINE.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    double ratio = Double.parseDouble(m.group(4));
    Files.writeString(Path.of("target", "heap-per-object-" + (compact ? "compact" : "default") + ".txt"), out);
    assertThat(Long.parseLong(m.group(3))).isPositive();
    assertThat(ratio).as(out).isLessThanOrEqualTo(1.3);
  }
}
