package dev.breakwater.cache.delegator;

import static dev.breakwater.cache.delegator.ReadPlanTest.CLOCK;
import static dev.breakwater.cache.delegator.ReadPlanTest.CM;
import static dev.breakwater.cache.delegator.ReadPlanTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.status.ApiStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The query-parameter matrix of LIST, GET and WATCH: what the apiserver's decoding
 * (url.ParseQuery, Convert_url_Values_To_v1_ListOptions, ParseInt, the query bool, selectors,
 * WithRequestDeadline, GetResource's export check, defaults and validateWatchOptions) makes of each,
 * as the cache answers it: OK (served), 400/422 with the apiserver's message, or UPSTREAM. The same
 * matrix is checked against the real apiserver in {@code QueryParameterDifferentialE2ETest}.
 */
class ReadParamsTest {

  static String outcome(Parsed<?> p) {
    if (p.ok()) {
      return "OK";
    }
    if (p.reject() != null) {
      return p.reject().code() + " " + p.reject().message();
    }
    return "UPSTREAM";
  }

  @ParameterizedTest(name = "LIST ?{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "''|OK",
      "limit=5|OK",
      "limit=-1|OK",
      "limit=%2B3|OK",
      "limit=+3|400 strconv.ParseInt: parsing \" 3\": invalid syntax",
      "limit=abc|400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      "limit=|400 strconv.ParseInt: parsing \"\": invalid syntax",
      "limit|400 strconv.ParseInt: parsing \"\": invalid syntax",
      "limit=1.5|400 strconv.ParseInt: parsing \"1.5\": invalid syntax",
      "limit=99999999999999999999|400 strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
      "limit=%C3%A9|400 strconv.ParseInt: parsing \"é\": invalid syntax",
      "limit=%FF|UPSTREAM",
      "limit=abc&limit=5|400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      "limit=5&limit=abc|OK",
      "limit=abc;x|OK",
      "limit=%zz|OK",
      "timeoutSeconds=abc|400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      "timeoutSeconds=|400 strconv.ParseInt: parsing \"\": invalid syntax",
      "timeoutSeconds=-5|OK",
      "timeoutSeconds=9223372036854775808|400 strconv.ParseInt: parsing \"9223372036854775808\": value out of range",
      "timeoutSeconds=x&limit=y|400 strconv.ParseInt: parsing \"x\": invalid syntax",
      "limit=y&timeoutSeconds=x|400 strconv.ParseInt: parsing \"x\": invalid syntax",
      "limit=y&labelSelector=a%20in|400 strconv.ParseInt: parsing \"y\": invalid syntax",
      "timeout=abc|UPSTREAM",
      "timeout=1s|UPSTREAM",
      "timeout=0s|OK",
      "timeout=-1s|OK",
      "timeout=30s|OK",
      "timeout=|OK",
      "shardSelector=x|OK",
      "shardSelector=shardRange(|UPSTREAM",
      "shardSelector=|OK",
      "sendInitialEvents=false|OK",
      "allowWatchBookmarks=abc|OK",
      "pretty=abc|OK",
      "watch=false|OK",
      "fieldSelector=spec.foo%3Dx|UPSTREAM"})
  void list(String query, String expected) {
    assertThat(outcome(ReadParams.list(query, "default", CM))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "GET ?{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "''|OK",
      "resourceVersion=0|OK",
      "export=false|OK",
      "export=0|OK",
      "export=FALSE|OK",
      "export=true|400 the export parameter, deprecated since v1.14, is no longer supported",
      "export=|400 the export parameter, deprecated since v1.14, is no longer supported",
      "export=abc|400 the export parameter, deprecated since v1.14, is no longer supported",
      "export=0&export=1|OK",
      "limit=abc|OK",
      "timeoutSeconds=abc|OK",
      "timeout=abc|UPSTREAM",
      "timeout=100ms|UPSTREAM",
      "timeout=1m|OK"})
  void get(String query, String expected) {
    assertThat(outcome(ReadParams.get(query, "default", "a"))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "WATCH ?{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "watch=1|OK",
      "watch=1&timeoutSeconds=abc|400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      "watch=1&timeoutSeconds=|400 strconv.ParseInt: parsing \"\": invalid syntax",
      "watch=1&limit=abc|400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      "watch=1&limit=-3|OK",
      "watch=1&timeout=abc|OK",
      "watch=1&timeout=1ns|OK",
      "watch=1&timeoutSeconds=-1|UPSTREAM",
      "watch=1&timeoutSeconds=9223372036854775807|UPSTREAM",
      "watch=1&timeoutSeconds=36028797018963968|OK",
      "watch=1&resourceVersion=abc|UPSTREAM",
      "watch=1&resourceVersion=-5|UPSTREAM",
      "watch=1&sendInitialEvents=true|422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
      "watch=1&sendInitialEvents=|422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
      "watch=1&sendInitialEvents=abc&resourceVersionMatch=NotOlderThan|OK",
      "watch=1&sendInitialEvents=False&resourceVersionMatch=NotOlderThan|OK",
      "watch=1&resourceVersionMatch=NotOlderThan|422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
      "watch=1&resourceVersion=0&continue=x|422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided",
      "watch=1&sendInitialEvents=true&resourceVersionMatch=Exact|422 ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]",
      "watch=1&labelSelector=a%20in|400 unable to parse requirement: found '' expected: '('",
      "watch=1&shardSelector=shardRange()|500 invalid shard selector: shardRange() requires exactly 3 arguments, got 0",
      "watch=1&shardSelector=%20|500 invalid shard selector: empty shard selector is not allowed; omit the parameter for unfiltered lists",
      "watch=1&shardSelector=|OK",
      "watch=1&shardSelector=shardRange(object.metadata.uid,'0x0000000000000000','0x8000000000000000')|OK",
      "watch=1&shardSelector=shardRange(|UPSTREAM",
      "watch=1&shardSelector=x&labelSelector=a%20in|400 unable to parse requirement: found '' expected: '('",
      "watch=1&shardSelector=x&sendInitialEvents=true|422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
      "watch=1&shardSelector=shardRange()&resourceVersion=abc|500 invalid shard selector: shardRange() requires exactly 3 arguments, got 0",
      "watch=1&shardSelector=x&fieldSelector=spec.foo%3Dx|UPSTREAM",
      "watch=1&fieldSelector=spec.foo%3Dx|UPSTREAM"})
  void watch(String query, String expected) {
    assertThat(outcome(ReadParams.watch(query, "default", CM, CLOCK, () -> 0.5))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "WATCH ?{0} deadline +{1}s")
  @CsvSource(delimiter = '|', value = {
      "watch=1|2700",
      "watch=1&timeoutSeconds=0|2700",
      "watch=1&timeoutSeconds=5|5",
      "watch=1&timeoutSeconds=%2B5|5",
      "watch=1&timeoutSeconds=5&timeoutSeconds=9|5",
      "watch=1&timeoutSeconds=36028797018963968|2700"})
  void watchDeadline(String query, long seconds) {
    assertThat(ReadParams.watch(query, "default", CM, CLOCK, () -> 0.5).value().request().deadline()).isEqualTo(NOW.plusSeconds(seconds));
  }

  @ParameterizedTest(name = "WATCH ?{0} bookmarks={1}")
  @CsvSource(delimiter = '|', value = {
      "watch=1|false", "watch=1&allowWatchBookmarks=true|true", "watch=1&allowWatchBookmarks=yes|true",
      "watch=1&allowWatchBookmarks=|true", "watch=1&allowWatchBookmarks=False|false", "watch=1&allowWatchBookmarks=0|false"})
  void watchBookmarks(String query, boolean bookmarks) {
    assertThat(ReadParams.watch(query, "default", CM, CLOCK, () -> 0.5).value().request().allowBookmarks()).isEqualTo(bookmarks);
  }

  @ParameterizedTest(name = "Table ?{0} → {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "''|METADATA", "includeObject=None|NONE", "includeObject=Object|OBJECT", "includeObject=foo|NULL",
      "-=true|NULL", "-=false|METADATA", "-=0|METADATA", "-=|NULL"})
  void tableOptions(String query, String include) {
    var got = ReadParams.tableOptions(query);
    assertThat(got == null ? null : got.name()).isEqualTo(include);
  }

  /** A cache whose upstream LIST is refused: every read goes upstream, even one the edge would reject. */
  record Refused(boolean ready) implements CacheState {
    @Override
    public long resourceVersion() {
      return 0;
    }

    @Override
    public boolean hasSnapshotAtOrBelow(long rv) {
      return false;
    }

    @Override
    public ApiStatus unreadyStatus() {
      return ReadRoutingTest.UNREADY;
    }

    @Override
    public boolean refused() {
      return true;
    }
  }

  @org.junit.jupiter.api.Test
  void aRefusedCacheSendsEveryReadUpstreamAtOnce() {
    for (Parsed<?> p : java.util.List.of(ReadParams.list("", "default", CM), ReadParams.list("limit=abc", "default", CM),
        ReadParams.get("", "default", "a"), ReadParams.watch("watch=1", "default", CM, CLOCK, () -> 0.5))) {
      assertThat(ReadRouting.<Object>admit(p, new Refused(false))).isInstanceOf(ReadPlan.Delegate.class);
    }
    // a cache that synced since is served as usual; a parse failure is the parse's
    assertThat(ReadRouting.<Object>admit(ReadParams.list("", "default", CM), new Refused(true))).isNull();
    assertThat(ReadRouting.<Object>admit(ReadParams.list("limit=abc", "default", CM), new Refused(true)))
        .isEqualTo(new ReadPlan.Reject<>(ApiStatus.badRequest("strconv.ParseInt: parsing \"abc\": invalid syntax")));
    assertThat(ReadRouting.<Object>admit(ReadParams.list("", "default", CM), ReadPlanTest.PENDING)).isNull();
  }

  /** A ready cache that failed its consistency check and is being rebuilt. */
  record Inconsistent() implements CacheState {
    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public long resourceVersion() {
      return 10;
    }

    @Override
    public boolean hasSnapshotAtOrBelow(long rv) {
      return true;
    }

    @Override
    public ApiStatus unreadyStatus() {
      return ReadRoutingTest.UNREADY;
    }

    @Override
    public boolean inconsistent() {
      return true;
    }
  }

  @org.junit.jupiter.api.Test
  void aCacheBeingRebuiltAfterAFailedConsistencyCheckSendsEveryReadUpstream() {
    for (Parsed<?> p : java.util.List.of(ReadParams.list("", "default", CM), ReadParams.list("resourceVersion=0", "default", CM),
        ReadParams.list("resourceVersion=5&resourceVersionMatch=Exact", "default", CM), ReadParams.list("limit=abc", "default", CM),
        ReadParams.get("resourceVersion=0", "default", "a"), ReadParams.watch("watch=1&resourceVersion=5", "default", CM, CLOCK, () -> 0.5),
        ReadParams.watch("watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", "default", CM,
            CLOCK, () -> 0.5))) {
      assertThat(ReadRouting.<Object>admit(p, new Inconsistent())).isInstanceOf(ReadPlan.Delegate.class);
    }
  }
}
