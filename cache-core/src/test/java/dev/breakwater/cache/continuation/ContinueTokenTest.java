package dev.breakwater.cache.continuation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import dev.breakwater.cache.continuation.ContinueToken.Form;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ContinueTokenTest {
    private static final String PREFIX = "/registry/configmaps/";

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodeMatchesGoForEveryGoldenCase() {
        List<JsonNode> rows = Golden.read("continue-decode.jsonl");
        assertThat(rows).hasSizeGreaterThan(150);
        int ok = 0;
        for (JsonNode row : rows) {
            Result<ContinueToken> r = ContinueToken.decode(row.get("in").asText(), row.get("prefix").asText());
            if (row.has("err")) {
                assertThat(r.isOk()).as("should fail: %s", row).isFalse();
                assertThat(r.error().message()).as("%s", row).isEqualTo("invalid continue token: " + row.get("err").asText());
                assertThat(r.error().code()).isEqualTo(400);
                assertThat(r.error().reason()).isEqualTo("BadRequest");
            } else {
                ok++;
                assertThat(r.isOk()).as("should decode: %s -> %s", row, r).isTrue();
                assertThat(r.value().fromKey()).as("%s", row).isEqualTo(Golden.b64String(row.get("key").asText()));
                assertThat(r.value().resourceVersion()).as("%s", row).isEqualTo(row.get("rv").asLong());
            }
        }
        assertThat(ok).isGreaterThan(20);
    }

    @Test
    void encodeMatchesGoForEveryGoldenCase() {
        for (JsonNode row : Golden.read("continue-encode.jsonl")) {
            Result<String> r = ContinueToken.encode(Golden.b64String(row.get("key").asText()), row.get("prefix").asText(),
                    row.get("rv").asLong());
            if (row.has("err")) {
                assertThat(r.isOk()).as("%s", row).isFalse();
                assertThat(r.error().details().causes().getFirst().message()).isEqualTo(row.get("err").asText());
            } else if (!Golden.b64String(row.get("key").asText()).contains("\ufffd")) {
                assertThat(r.value()).as("%s", row).isEqualTo(row.get("token").asText());
            }
        }
    }

    @Test
    void watchCacheAndEtcdFormsAsInSemanticsMd() {
        String wc = ContinueToken.next(Form.WATCH_CACHE, "/registry/configmaps", "/registry/configmaps/default/c2", 42).value();
        String etcd = ContinueToken.next(Form.ETCD, "/registry/configmaps", "/registry/configmaps/default/c2", 42).value();
        assertThat(new String(Base64.getUrlDecoder().decode(wc), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"/default/c2\\u0000\"}");
        assertThat(new String(Base64.getUrlDecoder().decode(etcd), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"default/c2\\u0000\"}");
        String ns = ContinueToken.next(Form.WATCH_CACHE, "/registry/configmaps/default", "/registry/configmaps/default/c2", 7).value();
        assertThat(new String(Base64.getUrlDecoder().decode(ns), StandardCharsets.UTF_8)).contains("\"start\":\"/c2\\u0000\"");
        // Both decode to the same absolute key.
        assertThat(ContinueToken.decode(wc, "/registry/configmaps/").value())
                .isEqualTo(ContinueToken.decode(etcd, "/registry/configmaps/").value())
                .isEqualTo(new ContinueToken("/registry/configmaps/default/c2\u0000", 42));
        assertThat(wc).doesNotContain("=").doesNotContain("+").doesNotContain("/");
    }

    @Test
    void errorTextsFromSemanticsMd() {
        assertThat(ContinueToken.decode("!", PREFIX).error().message())
                .isEqualTo("invalid continue token: continue key is not valid: illegal base64 data at input byte 0");
        assertThat(ContinueToken.decode(b64("invalid"), PREFIX).error().message())
                .isEqualTo("invalid continue token: continue key is not valid: invalid character 'i' looking for beginning of value");
        assertThat(ContinueToken.decode(b64("{\"v\":\"meta.k8s.io/v2\",\"rv\":1,\"start\":\"a\"}"), PREFIX).error().message())
                .endsWith("server does not recognize this encoded version meta.k8s.io/v2");
        assertThat(ContinueToken.decode(b64("{\"v\":\"meta.k8s.io/v1\",\"rv\":0,\"start\":\"a\"}"), PREFIX).error().message())
                .endsWith("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        assertThat(ContinueToken.decode(b64("{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"\"}"), PREFIX).error().message())
                .endsWith("encoded start key empty (version meta.k8s.io/v1)");
        assertThat(ContinueToken.decode(b64("{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"../x\"}"), PREFIX).error().message())
                .isEqualTo("invalid continue token: continue key is not valid: ../x");
        String padded = b64("{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"ab\"}") + "==";
        assertThat(ContinueToken.decode(padded, PREFIX).error()).isEqualTo(ApiStatus.invalidContinueToken(
                "continue key is not valid: illegal base64 data at input byte " + (padded.length() - 2)));
    }

    @Test
    void newlinesInsideBase64AreIgnoredLikeGo() {
        String tok = ContinueToken.encode(PREFIX + "abc", PREFIX, 9).value();
        String split = tok.substring(0, 5) + "\r\n" + tok.substring(5);
        assertThat(ContinueToken.decode(split, PREFIX).value()).isEqualTo(new ContinueToken(PREFIX + "abc", 9));
    }

    @Test
    void rejectsMismatchedPrefixOnEncode() {
        assertThat(ContinueToken.encode("/other/x", PREFIX, 1).isOk()).isFalse();
        assertThat(ContinueToken.encode("/x", "", 1).isOk()).isFalse();
    }

    @Test
    void goPathClean() {
        assertThat(GoPath.clean("/a/b/../c")).isEqualTo("/a/c");
        assertThat(GoPath.clean("/../x")).isEqualTo("/x");
        assertThat(GoPath.clean("a/../../b")).isEqualTo("../b");
        assertThat(GoPath.clean("//a//b/./")).isEqualTo("/a/b");
        assertThat(GoPath.clean("")).isEqualTo(".");
        assertThat(GoPath.clean("/")).isEqualTo("/");
        assertThat(GoPath.clean("/a/.b/..c")).isEqualTo("/a/.b/..c");
    }

    @Property(tries = 300)
    void encodeThenDecodeRoundTrips(@ForAll @StringLength(min = 1, max = 30) String name,
                                    @ForAll @LongRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE) long rv) {
        String key = PREFIX + name;
        String tok = ContinueToken.encode(key, PREFIX, rv).value();
        Result<ContinueToken> back = ContinueToken.decode(tok, PREFIX);
        String relative = name.startsWith("/") ? name : "/" + name;
        boolean clean = GoPath.clean(relative).equals(relative);
        boolean validUnicode = name.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        if (rv != 0 && clean && validUnicode) {
            assertThat(back.value()).isEqualTo(new ContinueToken(PREFIX + relative.substring(1), rv));
        } else if (rv == 0) {
            assertThat(back.error().message()).endsWith("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        } else if (!clean && validUnicode) {
            assertThat(back.error().message()).isEqualTo("invalid continue token: continue key is not valid: " + name);
        }
    }
}
