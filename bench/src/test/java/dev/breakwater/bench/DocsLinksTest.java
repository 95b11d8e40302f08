package dev.breakwater.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every relative link in the repository's top-level documents resolves to a file that is in the
 * repository: a figure quoted in BENCHMARKS.md must link to the run it came from, and that run's
 * report and charts must be committed, not left in a local {@code bench/results/}.
 */
class DocsLinksTest {

  /** Markdown links and images: {@code [text](target)} / {@code ![alt](target "title")}. */
  static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("BENCHMARKS.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }

  static List<String> relativeLinks(String markdown) {
    List<String> out = new ArrayList<>();
    Matcher m = LINK.matcher(markdown);
    while (m.find()) {
      String target = m.group(1);
      if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
        continue; // https:, mailto:, in-page anchors
      }
      int hash = target.indexOf('#');
      out.add(hash < 0 ? target : target.substring(0, hash));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "BENCHMARKS.md", "helm/README.md"})
  void everyRelativeLinkResolves(String document) throws IOException {
    Path doc = repo().resolve(document);
    if (!Files.exists(doc)) {
      return; // a document that does not exist has no links to check
    }
    List<String> missing = new ArrayList<>();
    for (String link : relativeLinks(Files.readString(doc))) {
      if (!Files.exists(doc.getParent().resolve(link).normalize())) {
        missing.add(link);
      }
    }
    assertThat(missing).as("links in " + document + " that point at no file").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void linksAreFoundAndAnchorsAndUrlsSkipped() {
    assertThat(relativeLinks("see [a](bench/x.md) and ![c](y.png \"t\"), [u](https://h/x), [p](#top), [q](z.md#s)"))
        .containsExactly("bench/x.md", "y.png", "z.md");
  }
}
