package dev.breakwater.cache.delegator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UpstreamReasonTest {

  @Test
  void classes() {
    assertThat(UpstreamReason.of("small consistent read, no budget")).isEqualTo(UpstreamReason.SMALL_READ);
    assertThat(UpstreamReason.of("small read ahead of the cache, no budget")).isEqualTo(UpstreamReason.SMALL_READ);
    assertThat(UpstreamReason.of("not fresh in time")).isEqualTo(UpstreamReason.NOT_FRESH);
    assertThat(UpstreamReason.of("no snapshot at or below resourceVersion 42")).isEqualTo(UpstreamReason.WINDOW);
    assertThat(UpstreamReason.of("labelSelector is not UTF-8: the apiserver quotes its bytes")).isEqualTo(UpstreamReason.APISERVER_WORDS);
    assertThat(UpstreamReason.of("cache not ready: GET goes to storage")).isEqualTo(UpstreamReason.NOT_READY);
    assertThat(UpstreamReason.of("something new")).isEqualTo(UpstreamReason.OTHER);
    assertThat(UpstreamReason.of(null)).isEqualTo(UpstreamReason.OTHER);
    assertThat(UpstreamReason.SMALL_READ.label()).isEqualTo("small-read");
  }

  /** The opening literal of every delegation text in cache-core's and proxy's sources. */
  private static final Pattern DELEGATION = Pattern.compile(
      "(?:Delegate(?:<>)?|delegated?|FreshnessWait\\.Upstream)\\(\\s*(?:[a-z]+ \\? )?(?:[a-z]+ \\+ )?\"([^\"]*)\"");

  @Test
  void everyDelegationTextTheRoutingWritesHasAClass() throws IOException {
    List<String> texts = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../proxy/src/main/java"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = DELEGATION.matcher(Files.readString(f));
          while (m.find()) {
            texts.add(m.group(1));
          }
        }
      }
    }
    assertThat(texts).as("the scan finds the routing's texts").hasSizeGreaterThan(20)
        .contains("not fresh in time", "small consistent read, no budget", " is not UTF-8: the apiserver quotes its bytes");
    assertThat(texts).allSatisfy(t -> assertThat(UpstreamReason.of(t)).as("class of \"%s\"", t).isNotEqualTo(UpstreamReason.OTHER));
  }
}
