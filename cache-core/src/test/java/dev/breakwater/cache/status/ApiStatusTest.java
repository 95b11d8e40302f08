package dev.breakwater.cache.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiStatusTest {
    private static final String FORBIDDEN_NO_RV = "resourceVersionMatch is forbidden unless resourceVersion is provided";

    private static Map<String, ApiStatus> ours() {
        Map<String, ApiStatus> m = new HashMap<>();
        m.put("notFound", ApiStatus.notFound("", "configmaps", "nope"));
        m.put("notFoundGroup", ApiStatus.notFound("apps", "deployments", "nope"));
        m.put("notFoundHtml", ApiStatus.notFound("", "configmaps", "<a&b>\"\u2028"));
        m.put("badRequestContinue", ApiStatus.invalidContinueToken("continue key is not valid: illegal base64 data at input byte 0"));
        m.put("badRequestRV", ApiStatus.resourceVersionWithContinue());
        m.put("expiredList", ApiStatus.listTooOld());
        m.put("expiredWatch", ApiStatus.watchCacheTooOld(1, 254));
        m.put("expiredContinue", ApiStatus.continueExpired(
                "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiYzJcdTAwMDAifQ"));
        m.put("tooLarge", ApiStatus.tooLargeResourceVersion(12, 10, 1));
        m.put("tooLargeNoRetry", ApiStatus.tooLargeResourceVersion(12, 10, 0));
        m.put("tooManyRequests", ApiStatus.storageInitializing(1));
        m.put("internal", ApiStatus.internalError("boom"));
        m.put("invalid1", ApiStatus.invalidListOptions(List.of(FieldError.forbidden("resourceVersionMatch", FORBIDDEN_NO_RV))));
        m.put("invalid2", ApiStatus.invalidListOptions(List.of(
                FieldError.forbidden("resourceVersionMatch", FORBIDDEN_NO_RV),
                FieldError.notSupported("resourceVersionMatch", "Foo", List.of("Exact", "NotOlderThan", "")))));
        m.put("invalidDup", ApiStatus.invalidListOptions(List.of(
                FieldError.forbidden("resourceVersionMatch", "x"), FieldError.forbidden("resourceVersionMatch", "x"))));
        m.put("invalidNone", ApiStatus.invalidListOptions(List.of()));
        m.put("invalidSIE", ApiStatus.invalidListOptions(List.of(
                FieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))));
        return m;
    }

    @Test
    void compactAndPrettyJsonAreByteIdenticalToGo() {
        Map<String, ApiStatus> ours = ours();
        List<JsonNode> rows = Golden.read("status.jsonl");
        assertThat(rows).hasSize(ours.size());
        for (JsonNode row : rows) {
            ApiStatus s = ours.get(row.get("name").asText());
            assertThat(s).as(row.get("name").asText()).isNotNull();
            assertThat(s.toJsonString()).as(row.get("name").asText()).isEqualTo(row.get("json").asText());
            assertThat(new String(s.toPrettyJson(), StandardCharsets.UTF_8)).as(row.get("name").asText())
                    .isEqualTo(row.get("pretty").asText());
        }
    }

    @Test
    void semanticsMdLiterals() {
        assertThat(ApiStatus.watchCacheTooOld(1, 254).toJsonString()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"too old resource version: 1 (254)\",\"reason\":\"Expired\",\"code\":410}");
        ApiStatus tooLarge = ApiStatus.tooLargeResourceVersion(100, 42, 1);
        assertThat(tooLarge.code()).isEqualTo(504);
        assertThat(tooLarge.retryAfterSeconds()).isEqualTo(1);
        assertThat(tooLarge.toJsonString()).contains(
                "\"message\":\"Timeout: Too large resource version: 100, current: 42\",\"reason\":\"Timeout\","
                        + "\"details\":{\"causes\":[{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large resource version\"}],"
                        + "\"retryAfterSeconds\":1},\"code\":504}");
        assertThat(ApiStatus.invalidListOptions(List.of(FieldError.forbidden("resourceVersionMatch", FORBIDDEN_NO_RV))).message())
                .isEqualTo("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: " + FORBIDDEN_NO_RV);
        assertThat(ApiStatus.notFound("apps", "deployments", "nope").message()).isEqualTo("deployments.apps \"nope\" not found");
    }

    @Test
    void unsignedResourceVersionsPrintAsGoUint64() {
        assertThat(ApiStatus.tooLargeResourceVersion(-1L, 5, 1).message())
                .isEqualTo("Timeout: Too large resource version: 18446744073709551615, current: 5");
    }

    @Test
    void writeToAppendsNewlineOnlyWhenCompact() throws Exception {
        ApiStatus s = ApiStatus.badRequest("x");
        ByteArrayOutputStream compact = new ByteArrayOutputStream();
        s.writeTo(compact, false);
        assertThat(compact.toString(StandardCharsets.UTF_8)).isEqualTo(s.toJsonString() + "\n");
        ByteArrayOutputStream pretty = new ByteArrayOutputStream();
        s.writeTo(pretty, true);
        assertThat(pretty.toString(StandardCharsets.UTF_8)).endsWith("\"code\": 400\n}");
    }

    @Test
    void plainInternalHasNoReasonOrDetails() {
        assertThat(ApiStatus.plainInternal("boom").toJsonString())
                .isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"boom\",\"code\":500}");
    }

    @Test
    void resultMapsAndExposes() {
        Result<Integer> ok = Result.ok(2);
        assertThat(ok.map(i -> i * 3).value()).isEqualTo(6);
        Result<Integer> err = Result.err(ApiStatus.badRequest("no"));
        assertThat(err.isOk()).isFalse();
        assertThat(err.map(i -> i * 3).error().message()).isEqualTo("no");
    }
}
