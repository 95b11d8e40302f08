package dev.breakwater.cache.continuation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.status.Result;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokens minted by a real kube-apiserver 1.36.3 (captured by e2e ContinueTokenE2ETest; both
 * serving paths, one namespace and across namespaces) round-trip through ContinueToken byte for
 * byte.
 */
class ApiserverTokensTest {

  @Test
  void realTokensRoundTrip() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        ApiserverTokensTest.class.getResourceAsStream("/apiserver-tokens/1.36.3.jsonl"), StandardCharsets.UTF_8))) {
      lines = r.lines().filter(l -> !l.isBlank()).toList();
    }
    assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
    for (String line : lines) {
      JsonNode t = json.readTree(line);
      ContinueToken.Form form = ContinueToken.Form.valueOf(t.get("form").asText());
      String listKey = t.get("listKey").asText();
      String lastKey = t.get("lastKey").asText();
      long rv = t.get("rv").asLong();
      String token = t.get("token").asText();
      assertThat(((Result.Ok<String>) ContinueToken.next(form, listKey, lastKey, rv)).value()).as(line).isEqualTo(token);
      ContinueToken decoded = ContinueToken.decode(token, listKey + "/").value();
      assertThat(decoded).as(line).isEqualTo(new ContinueToken(lastKey + "\u0000", rv));
    }
  }
}
