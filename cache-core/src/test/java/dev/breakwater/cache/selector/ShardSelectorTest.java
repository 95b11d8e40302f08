package dev.breakwater.cache.selector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ShardSelector} against golden vectors made by the apiserver's own code
 * ({@code cache-core/src/test/go/shardvectors}: {@code sharding.Parse} over cel-go, {@code HashField},
 * {@code Selector.Matches}): FNV-1a hashes, canonical forms, every error text, matching. A selector Breakwater
 * leaves to the upstream ({@link ShardSelector.Parse.Unrecognized}) must be one cel-go rejects as a syntax error,
 * or one of the few valid-CEL forms listed here.
 */
class ShardSelectorTest {

  /** Valid CEL that Breakwater does not read (escapes, raw strings, numbers, member calls, a leading dot, indexing, !). */
  static final Set<String> OUTSIDE_SUBSET = Set.of(
      "shardRange(object.metadata.uid, r'0x0000000000000000', '0x8000000000000000')",
      "shardRange(object.metadata.uid, '\\x30x0000000000000000', '0x8000000000000000')",
      "shardRange(object.metadata.uid, 0, '0x8000000000000000')",
      "object.shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
      "shardRange(.object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
      "shardRange(object[\"metadata\"].uid, '0x0000000000000000', '0x8000000000000000')",
      "!shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
      "shardRange(object.metadata.uid, '0x0000000000000000', 'é')");

  static List<JsonNode> vectors() throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(ShardSelectorTest.class.getResourceAsStream("/shard/vectors.jsonl")), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.add(m.readTree(line));
      }
    }
    return out;
  }

  @Test
  void hashesAreGos() throws Exception {
    int n = 0;
    for (JsonNode v : vectors()) {
      if (v.has("hash")) {
        assertThat(ShardSelector.hashField(v.get("hash").asText())).as(v.get("hash").asText()).isEqualTo(v.get("hex").asText());
        n++;
      }
    }
    assertThat(n).isGreaterThan(200);
  }

  @Test
  void parsesAndRejectsAsGo() throws Exception {
    int recognized = 0;
    int unrecognized = 0;
    for (JsonNode v : vectors()) {
      if (!v.has("selector") || v.has("matches")) {
        continue;
      }
      String sel = v.get("selector").asText();
      String goError = v.has("error") ? v.get("error").asText() : null;
      ShardSelector.Parse p = ShardSelector.parse(sel);
      switch (p) {
        case ShardSelector.Parse.Ok ok -> {
          assertThat(goError).as(sel).isNull();
          assertThat(ok.selector().canonical()).as(sel).isEqualTo(v.get("canonical").asText());
          recognized++;
        }
        case ShardSelector.Parse.Invalid bad -> {
          assertThat(bad.error()).as(sel).isEqualTo(goError);
          recognized++;
        }
        case ShardSelector.Parse.Unrecognized u -> {
          assertThat(OUTSIDE_SUBSET.contains(sel) || (goError != null && goError.startsWith("CEL parse error: ")))
              .as(sel + " left upstream (" + u.why() + ") though Go reads it: " + goError).isTrue();
          unrecognized++;
        }
      }
    }
    assertThat(recognized).isGreaterThan(40);
    assertThat(unrecognized).isLessThanOrEqualTo(OUTSIDE_SUBSET.size() + 8);
  }

  @Test
  void matchesAsGo() throws Exception {
    int n = 0;
    for (JsonNode v : vectors()) {
      if (!v.has("matches")) {
        continue;
      }
      ShardSelector s = ((ShardSelector.Parse.Ok) ShardSelector.parse(v.get("selector").asText())).selector();
      String value = s.key().equals(ShardSelector.UID) ? v.get("uid").asText() : v.get("namespace").asText();
      assertThat(s.matchesValue(value)).as(v.toString()).isEqualTo(v.get("matches").asBoolean());
      n++;
    }
    assertThat(n).isEqualTo(100);
  }

  /** Ranges that tile the hash space put every value in exactly one shard, bounds included. */
  @ParameterizedTest(name = "value [{0}]")
  @CsvSource(delimiter = '|', value = {"''", "a", "default", "0d4a6c1e-94b2-4d0e-8f57-bb1f0c2e9a11", "é"})
  void tilingShardsPartition(String value) {
    String[] bounds = {"0x0000000000000000", "0x5555555555555555", "0xaaaaaaaaaaaaaaaa", "0x10000000000000000"};
    int hits = 0;
    for (int i = 0; i < 3; i++) {
      ShardSelector s = ((ShardSelector.Parse.Ok) ShardSelector.parse(
          "shardRange(object.metadata.uid, '" + bounds[i] + "', '" + bounds[i + 1] + "')")).selector();
      hits += s.matchesValue(value) ? 1 : 0;
    }
    assertThat(hits).isEqualTo(1);
  }

  @Test
  void boundsAreInclusiveExclusive() {
    String h = "0x" + ShardSelector.hashField("x");
    String next = "0x" + String.format("%016x", ShardSelector.fnv1a64("x") + 1);
    ShardSelector from = ((ShardSelector.Parse.Ok) ShardSelector.parse("shardRange(object.metadata.uid, '" + h + "', '" + next + "')")).selector();
    ShardSelector upTo = ((ShardSelector.Parse.Ok) ShardSelector.parse("shardRange(object.metadata.uid, '0x0000000000000000', '" + h + "')")).selector();
    assertThat(from.matchesValue("x")).isTrue();
    assertThat(upTo.matchesValue("x")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '#', value = {
      "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') /* c */",
      "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') ||",
      "shardRange(object.metadata.uid, '''0x0000000000000000''', '0x8000000000000000')",
      "in(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
      "shardRange(object.metadata.uid, '0x0000000000000000', '0x80000000\t00000000')"})
  void leftToTheUpstream(String selector) {
    assertThat(ShardSelector.parse(selector)).isInstanceOf(ShardSelector.Parse.Unrecognized.class);
  }

  @Test
  void nestingBeyondTheLimitIsLeftUpstream() {
    String deep = "(".repeat(ShardSelector.MAX_DEPTH + 2) + "shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')"
        + ")".repeat(ShardSelector.MAX_DEPTH + 2);
    assertThat(ShardSelector.parse(deep)).isInstanceOf(ShardSelector.Parse.Unrecognized.class);
    String shallow = "((shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')))";
    assertThat(ShardSelector.parse(shallow)).isInstanceOf(ShardSelector.Parse.Ok.class);
  }
}
