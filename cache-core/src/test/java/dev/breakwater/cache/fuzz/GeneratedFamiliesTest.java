package dev.breakwater.cache.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.Golden;
import dev.breakwater.cache.auth.BearerToken;
import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.golang.GoStrconv;
import dev.breakwater.cache.request.GoQuery;
import dev.breakwater.cache.request.RequestInfo;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.status.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Generated families of inputs answered by the real Go code (src/test/go/refgen/families.go:
 * seeded random inputs from each parser's alphabet — separators, escapes, operators, non-ASCII,
 * NUL — run through {@code RequestInfoFactory}, {@code labels.Parse}, {@code fields.ParseSelector},
 * {@code url.ParseQuery}, {@code strconv.ParseInt}, {@code time.ParseDuration},
 * {@code storage.DecodeContinue} and the {@code bearertoken} authenticator). Every row must come out
 * of the Java port the same: value, error text and HTTP code.
 */
class GeneratedFamiliesTest {

  private static List<Map<String, String>> sets(String file, String field) {
    List<Map<String, String>> sets = new ArrayList<>();
    for (JsonNode row : Golden.read(file)) {
      Map<String, String> m = new HashMap<>();
      row.get(field).properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
      sets.add(m);
    }
    return sets;
  }

  @Test
  void requestInfoAgreesWithRequestInfoFactory() {
    List<JsonNode> rows = Golden.read("family-requestinfo.jsonl");
    assertThat(rows).hasSizeGreaterThan(500);
    for (JsonNode row : rows) {
      String method = row.get("method").asText();
      String path = row.get("path").asText();
      String query = row.get("query").asText();
      RequestInfo info = RequestInfo.parse(method, path, query);
      String what = method + " " + path + "?" + query + " -> " + info;
      if (row.has("err")) {
        // "unable to determine kind and namespace from url": the apiserver answers it (500), so Breakwater passes it on.
        assertThat(info.resourceRequest()).as(what).isFalse();
        assertThat(info.cacheableRead()).as(what).isFalse();
        continue;
      }
      assertThat(info.resourceRequest()).as(what).isEqualTo(row.get("resource_request").asBoolean());
      assertThat(info.verb()).as(what).isEqualTo(row.get("verb").asText());
      if (!info.resourceRequest()) {
        continue;
      }
      assertThat(info.apiPrefix()).as(what).isEqualTo(row.get("api_prefix").asText());
      assertThat(info.group()).as(what).isEqualTo(row.get("group").asText());
      assertThat(info.version()).as(what).isEqualTo(row.get("version").asText());
      assertThat(info.namespace()).as(what).isEqualTo(row.get("namespace").asText());
      assertThat(info.resource()).as(what).isEqualTo(row.get("resource").asText());
      assertThat(info.subresource()).as(what).isEqualTo(row.get("subresource").asText());
      // The name the apiserver authorizes (a LIST or WATCH pinned by metadata.name carries it too).
      assertThat(info.authorizedName()).as(what).isEqualTo(row.get("name").asText());
    }
  }

  @Test
  void labelSelectorsAgreeWithLabelsParse() {
    selectorFamily("family-labels.jsonl", sets("label-sets.jsonl", "labels"), LabelSelector::parse, LabelSelector::isEmpty,
        LabelSelector::matches);
  }

  @Test
  void fieldSelectorsAgreeWithFieldsParseSelector() {
    selectorFamily("family-fields.jsonl", sets("field-sets.jsonl", "fields"), FieldSelector::parse, FieldSelector::isEmpty,
        FieldSelector::matches);
  }

  /**
   * One selector family: each input parses (String() and Empty() as Go's, and Matches() against
   * every set as Go's) or fails with Go's error text as a 400.
   */
  static <S> void selectorFamily(String family, List<Map<String, String>> sets, java.util.function.Function<String, Result<S>> parse,
      java.util.function.Predicate<S> empty, java.util.function.BiPredicate<S, Map<String, String>> matches) {
    List<JsonNode> rows = Golden.read(family);
    assertThat(rows).hasSizeGreaterThan(500);
    int ok = 0;
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      Result<S> r = parse.apply(in);
      if (row.has("err")) {
        assertThat(r.isOk()).as("should fail: %s", in).isFalse();
        assertThat(r.error().message()).as("error for %s", in).isEqualTo(row.get("err").asText());
        assertThat(r.error().code()).isEqualTo(400);
        continue;
      }
      ok++;
      assertThat(r.isOk()).as("should parse: %s -> %s", in, r).isTrue();
      assertThat(r.value().toString()).as("String() of %s", in).isEqualTo(row.get("string").asText());
      assertThat(empty.test(r.value())).as(in).isEqualTo(row.get("empty").asBoolean());
      for (int i = 0; i < sets.size(); i++) {
        assertThat(matches.test(r.value(), sets.get(i))).as("%s matches %s", in, sets.get(i)).isEqualTo(row.get("matches").get(i).asBoolean());
      }
    }
    assertThat(ok).as("selectors that parse").isGreaterThan(50);
  }

  @Test
  void queriesAgreeWithUrlParseQuery() {
    List<JsonNode> rows = Golden.read("family-query.jsonl");
    assertThat(rows).hasSizeGreaterThan(500);
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      GoQuery q = GoQuery.parse(in);
      JsonNode values = row.get("values");
      values.properties().forEach(e -> {
        List<String> want = new ArrayList<>();
        e.getValue().forEach(v -> want.add(v.asText()));
        assertThat(q.all(e.getKey())).as("%s [%s]", in, e.getKey()).isEqualTo(want);
      });
      assertThat(q.names()).as("keys of %s", in).containsExactlyInAnyOrderElementsOf(() -> values.fieldNames());
    }
  }

  @Test
  void numbersAndDurationsAgreeWithStrconvAndTime() {
    List<JsonNode> rows = Golden.read("family-strconv.jsonl");
    assertThat(rows).hasSizeGreaterThan(1000);
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      GoStrconv.Parsed p = row.get("fn").asText().equals("ParseInt") ? GoStrconv.parseInt(in) : GoStrconv.parseDuration(in);
      if (row.has("err")) {
        assertThat(p.ok()).as("%s(%s) should fail", row.get("fn"), in).isFalse();
        assertThat(p.error()).as("%s(%s)", row.get("fn"), in).isEqualTo(row.get("err").asText());
      } else {
        assertThat(p.ok()).as("%s(%s) should parse: %s", row.get("fn"), in, p.error()).isTrue();
        assertThat(p.value()).as("%s(%s)", row.get("fn"), in).isEqualTo(Long.parseLong(row.get("value").asText()));
      }
    }
  }

  @Test
  void continueTokensAgreeWithDecodeContinue() {
    List<JsonNode> rows = Golden.read("family-continue.jsonl");
    assertThat(rows).hasSizeGreaterThan(500);
    int ok = 0;
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      Result<ContinueToken> r = ContinueToken.decode(in, row.get("prefix").asText());
      if (row.has("err")) {
        assertThat(r.isOk()).as("should fail: %s", in).isFalse();
        assertThat(r.error().message()).as("%s", in).isEqualTo("invalid continue token: " + row.get("err").asText());
        assertThat(r.error().code()).isEqualTo(400);
      } else {
        ok++;
        assertThat(r.isOk()).as("should decode: %s -> %s", in, r).isTrue();
        assertThat(r.value().fromKey()).as(in).isEqualTo(Golden.b64String(row.get("key").asText()));
        assertThat(r.value().resourceVersion()).as(in).isEqualTo(row.get("rv").asLong());
      }
    }
    assertThat(ok).as("tokens that decode").isGreaterThan(20);
  }

  @Test
  void bearerTokensAgreeWithTheBearerTokenAuthenticator() {
    List<JsonNode> rows = Golden.read("family-bearer.jsonl");
    assertThat(rows).hasSizeGreaterThan(500);
    for (JsonNode row : rows) {
      String in = row.get("in").asText();
      Optional<String> want = row.has("token") ? Optional.of(row.get("token").asText()) : Optional.empty();
      // Header values reach Breakwater as ISO-8859-1 chars, one per byte.
      String latin1 = new String(in.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.ISO_8859_1);
      Optional<String> got = BearerToken.parse(latin1)
          .map(t -> new String(t.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(got).as("Authorization: %s", in).isEqualTo(want);
    }
  }
}
