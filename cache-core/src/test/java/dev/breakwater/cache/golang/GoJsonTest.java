package dev.breakwater.cache.golang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoJsonTest {

    @Test
    void escapesStringsLikeGoJsonMarshalForGoldenVectors() {
        List<JsonNode> rows = Golden.read("gojson-strings.jsonl");
        assertThat(rows).hasSizeGreaterThan(10);
        for (JsonNode row : rows) {
            byte[] raw = java.util.Base64.getDecoder().decode(row.get("in").asText());
            String in = new String(raw, StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(in.getBytes(StandardCharsets.UTF_8), raw)) {
                continue; // invalid UTF-8 (Go writes \ufffd escapes) has no Java string; see loneSurrogate test
            }
            assertThat(GoJson.quote(in)).as("json of %s", row).isEqualTo(row.get("json").asText());
        }
    }

    @Test
    void quotesLikeStrconvQuoteForValidUtf8GoldenVectors() {
        for (JsonNode row : Golden.read("gojson-strings.jsonl")) {
            byte[] raw = java.util.Base64.getDecoder().decode(row.get("in").asText());
            String in = new String(raw, StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(in.getBytes(StandardCharsets.UTF_8), raw)) {
                continue; // invalid UTF-8: Go prints \xNN, Java has no such string
            }
            assertThat(GoStrings.quote(in)).as("quote of %s", row).isEqualTo(row.get("quote").asText());
        }
    }

    @Test
    void loneSurrogateBecomesReplacementCharacter() {
        assertThat(GoJson.quote("a\ud800b")).isEqualTo("\"a\\ufffdb\"");
        assertThat(GoJson.quote("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
    }

    @Test
    void indentMatchesMarshalIndentShape() {
        String compact = "{\"a\":{},\"b\":[],\"c\":[1,{\"d\":\"x,:{}\"}],\"e\":\"\\\"\"}";
        String pretty = new String(GoJson.indent(compact.getBytes(StandardCharsets.UTF_8), "", "  "), StandardCharsets.UTF_8);
        assertThat(pretty).isEqualTo("""
                {
                  "a": {},
                  "b": [],
                  "c": [
                    1,
                    {
                      "d": "x,:{}"
                    }
                  ],
                  "e": "\\""
                }""");
    }

    @Test
    void utf8OrderPutsSupplementaryAfterPrivateUse() {
        assertThat(GoStrings.compareUtf8("\ud83d\ude00", "\ue000")).isPositive();
        assertThat(GoStrings.compareUtf8("\ue000", "\ud83d\ude00")).isNegative();
        assertThat(GoStrings.compareUtf8("a", "b")).isNegative();
        assertThat(GoStrings.compareUtf8("ab", "a")).isPositive();
        assertThat(GoStrings.compareUtf8("é", "z")).isPositive();
    }

    @Test
    void quoteJsonCharMatchesEncodingJsonErrors() {
        assertThat(GoStrings.quoteJsonChar('i')).isEqualTo("'i'");
        assertThat(GoStrings.quoteJsonChar('\'')).isEqualTo("'\\''");
        assertThat(GoStrings.quoteJsonChar('"')).isEqualTo("'\"'");
        assertThat(GoStrings.quoteJsonChar(0x01)).isEqualTo("'\\x01'");
        assertThat(GoStrings.quoteJsonChar(0xff)).isEqualTo("'ÿ'");
        assertThat(GoStrings.quoteJsonChar(0xef)).isEqualTo("'ï'");
    }
}
