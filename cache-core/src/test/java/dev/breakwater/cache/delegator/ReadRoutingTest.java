package dev.breakwater.cache.delegator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.continuation.ContinueToken;
import dev.breakwater.cache.delegator.ListDecision.Consistent;
import dev.breakwater.cache.delegator.ListDecision.Delegate;
import dev.breakwater.cache.delegator.ListDecision.Exact;
import dev.breakwater.cache.delegator.ListDecision.NotOlderThan;
import dev.breakwater.cache.delegator.ListDecision.Reject;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The LIST routing table of SEMANTICS.md, row by row, on both serving paths. */
class ReadRoutingTest {

  /** A ready cache at RV 100 holding snapshots from RV 50 on. */
  record Cache(boolean ready, long resourceVersion, long oldestSnapshot) implements CacheState {
    @Override
    public boolean hasSnapshotAtOrBelow(long rv) {
      return rv >= oldestSnapshot;
    }

    @Override
    public ApiStatus unreadyStatus() {
      return UNREADY;
    }
  }

  static final ApiStatus UNREADY = ApiStatus.tooManyRequests("storage is (re)initializing", 1);

  static final Cache READY = new Cache(true, 100, 50);

  static ListParams list(String rv, String rvm, String cont, long limit) {
    return new ListParams("/registry/configmaps/default", rv, rvm, cont, limit, true, true, false);
  }

  static String token(String start, long rv) {
    return ((Result.Ok<String>) ContinueToken.encode("/registry/configmaps/default" + start, "/registry/configmaps/default", rv)).value();
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // RVM "", no continue
        Arguments.of(list("", "", "", 0), ServingPath.WATCH_CACHE, new Consistent(null)),
        Arguments.of(list("", "", "", 500), ServingPath.WATCH_CACHE, new Consistent(null)),
        Arguments.of(list("0", "", "", 0), ServingPath.WATCH_CACHE, new NotOlderThan(0, false)),
        Arguments.of(list("0", "", "", 500), ServingPath.WATCH_CACHE, new NotOlderThan(0, false)),
        Arguments.of(list("0", "", "", 500), ServingPath.ETCD, new NotOlderThan(0, true)),
        Arguments.of(list("70", "", "", 0), ServingPath.WATCH_CACHE, new NotOlderThan(70, true)),
        Arguments.of(list("700", "", "", 0), ServingPath.WATCH_CACHE, new NotOlderThan(700, true)),
        // legacy exact: RV=N with a limit
        Arguments.of(list("70", "", "", 5), ServingPath.WATCH_CACHE, new Exact(70, null)),
        Arguments.of(list("10", "", "", 5), ServingPath.WATCH_CACHE, new Delegate("no snapshot at or below resourceVersion 10")),
        Arguments.of(list("700", "", "", 5), ServingPath.WATCH_CACHE, new Exact(700, null)),
        // NotOlderThan / Exact
        Arguments.of(list("0", "NotOlderThan", "", 5), ServingPath.WATCH_CACHE, new NotOlderThan(0, false)),
        Arguments.of(list("80", "NotOlderThan", "", 5), ServingPath.WATCH_CACHE, new NotOlderThan(80, true)),
        Arguments.of(list("80", "Exact", "", 0), ServingPath.WATCH_CACHE, new Exact(80, null)),
        Arguments.of(list("80", "Exact", "", 0), ServingPath.ETCD, new Exact(80, null)),
        Arguments.of(list("20", "Exact", "", 0), ServingPath.WATCH_CACHE, new Delegate("no snapshot at or below resourceVersion 20")),
        Arguments.of(list("180", "Exact", "", 0), ServingPath.WATCH_CACHE, new Exact(180, null)),
        // continue: rv>0 exact from the key, rv<0 consistent from the key; both token forms
        Arguments.of(list("", "", token("/c2\u0000", 60), 5), ServingPath.WATCH_CACHE, new Exact(60, "/registry/configmaps/default/c2\u0000")),
        Arguments.of(list("0", "", token("/c2\u0000", 60), 5), ServingPath.WATCH_CACHE, new Exact(60, "/registry/configmaps/default/c2\u0000")),
        Arguments.of(list("", "", etcdToken("c2\u0000", 60), 5), ServingPath.WATCH_CACHE, new Exact(60, "/registry/configmaps/default/c2\u0000")),
        Arguments.of(list("", "", token("/c2\u0000", -1), 5), ServingPath.WATCH_CACHE, new Consistent("/registry/configmaps/default/c2\u0000")),
        Arguments.of(list("", "", token("/c2\u0000", 20), 5), ServingPath.WATCH_CACHE, new Delegate("no snapshot at or below resourceVersion 20")),
        // bad RV syntax: the apiserver words it
        Arguments.of(list("abc", "", "", 0), ServingPath.WATCH_CACHE, new Delegate("resourceVersion is not a uint64")),
        Arguments.of(list("-5", "", "", 0), ServingPath.WATCH_CACHE, new Delegate("resourceVersion is not a uint64")));
  }

  static String etcdToken(String start, long rv) {
    return ((Result.Ok<String>) ContinueToken.encode("/registry/configmaps/default/" + start, "/registry/configmaps/default/", rv)).value();
  }

  @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
  @MethodSource("table")
  void routes(ListParams p, ServingPath path, ListDecision expected) {
    assertThat(ReadRouting.listDecision(p, READY, path)).isEqualTo(expected);
  }

  @Test
  void crossNamespaceTokensKeepTheNamespaceInTheKey() {
    String t = ((Result.Ok<String>) ContinueToken.encode("/registry/configmaps/default/c2\u0000", "/registry/configmaps", 60)).value();
    ListParams p = new ListParams("/registry/configmaps", "", "", t, 5, true, true, false);
    assertThat(ReadRouting.listDecision(p, READY, ServingPath.WATCH_CACHE)).isEqualTo(new Exact(60, "/registry/configmaps/default/c2\u0000"));
  }

  @Test
  void validationErrorsAreTheApiserversAndComeFirst() {
    Reject r = (Reject) ReadRouting.listDecision(list("", "Exact", "", 0), READY, ServingPath.WATCH_CACHE);
    assertThat(r.status().code()).isEqualTo(422);
    assertThat(r.status().message()).isEqualTo("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
        + "resourceVersionMatch is forbidden unless resourceVersion is provided");

    r = (Reject) ReadRouting.listDecision(list("", "Foo", token("/c", 5), 0), READY, ServingPath.WATCH_CACHE);
    assertThat(r.status().message()).isEqualTo("ListOptions.meta.k8s.io \"\" is invalid: ["
        + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, "
        + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided, "
        + "resourceVersionMatch: Unsupported value: \"Foo\": supported values: \"Exact\", \"NotOlderThan\", \"\"]");

    r = (Reject) ReadRouting.listDecision(list("0", "Exact", "", 0), READY, ServingPath.WATCH_CACHE);
    assertThat(r.status().message()).endsWith("resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");

    r = (Reject) ReadRouting.listDecision(new ListParams("", "", "", "", 0, true, true, true), READY, ServingPath.WATCH_CACHE);
    assertThat(r.status().message()).endsWith("sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
    assertThat(r.status().toJsonString()).contains("\"causes\":[{\"reason\":\"FieldValueForbidden\","
        + "\"message\":\"Forbidden: sendInitialEvents is forbidden for list\",\"field\":\"sendInitialEvents\"}]");
  }

  @Test
  void continueErrors() {
    Reject bad = (Reject) ReadRouting.listDecision(list("", "", "!!!", 5), READY, ServingPath.WATCH_CACHE);
    assertThat(bad.status().code()).isEqualTo(400);
    assertThat(bad.status().message()).isEqualTo("invalid continue token: continue key is not valid: illegal base64 data at input byte 0");

    Reject withRv = (Reject) ReadRouting.listDecision(list("70", "", token("/c2\u0000", 60), 5), READY, ServingPath.WATCH_CACHE);
    assertThat(withRv.status().code()).isEqualTo(400);
    assertThat(withRv.status().message()).isEqualTo("specifying resource version is not allowed when using continue");
  }

  @Test
  void unreadyCacheDelegatesPaginatedListsWithoutSelectors() {
    Cache pending = new Cache(false, 0, Long.MAX_VALUE);
    assertThat(ReadRouting.listDecision(list("", "", "", 500), pending, ServingPath.WATCH_CACHE)).isInstanceOf(Delegate.class);
    // With a selector, or without a limit, the caller waits for readiness instead.
    assertThat(ReadRouting.listDecision(new ListParams("/registry/configmaps/default", "", "", "", 500, false, true, false), pending, ServingPath.WATCH_CACHE))
        .isEqualTo(new Consistent(null));
    assertThat(ReadRouting.listDecision(list("0", "", "", 0), pending, ServingPath.WATCH_CACHE)).isEqualTo(new NotOlderThan(0, false));
  }

  @Test
  void resourceVersionParsing() {
    assertThat(ReadRouting.parseResourceVersion("0")).isZero();
    assertThat(ReadRouting.parseResourceVersion("123")).isEqualTo(123);
    assertThat(ReadRouting.parseResourceVersion("+1")).isEqualTo(-1);
    assertThat(ReadRouting.parseResourceVersion(" 1")).isEqualTo(-1);
    assertThat(ReadRouting.parseResourceVersion("18446744073709551615")).isEqualTo(-1);
    assertThat(ReadRouting.parseResourceVersion("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
  }
}
