package dev.breakwater.cache.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** url.ParseQuery's rules, as Go 1.26 applies them. */
class GoQueryTest {

  @Test
  void firstValueWinsAndOrderIsKept() {
    GoQuery q = GoQuery.parse("limit=abc&limit=5&x");
    assertThat(q.first("limit")).isEqualTo("abc");
    assertThat(q.all("limit")).containsExactly("abc", "5");
    assertThat(q.first("x")).isEmpty();
    assertThat(q.has("x")).isTrue();
    assertThat(q.first("y")).isNull();
  }

  @Test
  void unescapesPlusAndPercentInKeysAndValues() {
    GoQuery q = GoQuery.parse("li%6Dit=%2B1&labelSelector=a+in+(b)&e=%C3%A9");
    assertThat(q.first("limit")).isEqualTo("+1");
    assertThat(q.first("labelSelector")).isEqualTo("a in (b)");
    assertThat(q.first("e")).isEqualTo("é");
  }

  @Test
  void dropsPairsWithSemicolonsOrBadEscapesAndEmptyPairs() {
    GoQuery q = GoQuery.parse("&limit=1;2&timeoutSeconds=%zz&&limit=3&watch=%4");
    assertThat(q.all("limit")).isEqualTo(List.of("3"));
    assertThat(q.has("timeoutSeconds")).isFalse();
    assertThat(q.has("watch")).isFalse();
  }

  @Test
  void flagsValuesThatAreNotUtf8() {
    GoQuery q = GoQuery.parse("limit=%FF&ok=%C3%A9");
    assertThat(q.has("limit")).isTrue();
    assertThat(q.invalidUtf8("limit")).isTrue();
    assertThat(q.invalidUtf8("ok")).isFalse();
  }

  @Test
  void watchVerbFollowsTheQueryBool() {
    assertThat(RequestInfo.parse("GET", "/api/v1/configmaps", "watch=yes").verb()).isEqualTo("watch");
    assertThat(RequestInfo.parse("GET", "/api/v1/configmaps", "watch=").verb()).isEqualTo("watch");
    assertThat(RequestInfo.parse("GET", "/api/v1/configmaps", "watch=False").verb()).isEqualTo("list");
    assertThat(RequestInfo.parse("GET", "/api/v1/configmaps", "watch=0&watch=1").verb()).isEqualTo("list");
    assertThat(RequestInfo.parse("GET", "/api/v1/configmaps", "watch=1;x").verb()).isEqualTo("list");
  }
}
