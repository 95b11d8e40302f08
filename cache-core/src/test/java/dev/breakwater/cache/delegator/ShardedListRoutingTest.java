package dev.breakwater.cache.delegator;

import static dev.breakwater.cache.delegator.ReadPlanTest.CM;
import static dev.breakwater.cache.delegator.ReadPlanTest.READY;
import static dev.breakwater.cache.delegator.ReadPlanTest.WC;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a LIST's shard selector error falls among the apiserver's other errors: after the handler's
 * decoding (400) and {@code ValidateListOptions} (422), before storage's continue and RV checks (400), as
 * {@code Store.ListPredicate} parses it (gate on). A valid selector is served with the shard in the predicate.
 */
class ShardedListRoutingTest {

  static final String BAD = "shardSelector=shardRange(object.metadata.uid,'0x0','0x8000000000000000')";
  static final String BAD_MESSAGE = "500 invalid shard selector: hexStart must be a 0x-prefixed 16-digit hex value, got \"0x0\""
      + " (did you mean \"0x0000000000000000\"?)";

  static String decide(String query) {
    Parsed<ListQuery> p = ReadParams.list(query, "default", CM);
    if (!p.ok()) {
      return ReadParamsTest.outcome(p);
    }
    return switch (ReadRouting.listDecision(p.value().params(), READY, WC)) {
      case ListDecision.Reject r -> r.status().code() + " " + r.status().message();
      case ListDecision.Delegate d -> "UPSTREAM";
      default -> "SERVE " + p.value().predicate().shardInfo();
    };
  }

  @ParameterizedTest(name = "LIST ?{0} → {1}")
  @CsvSource(delimiterString = " => ", value = {
      BAD + " => " + BAD_MESSAGE,
      BAD + "&limit=abc => 400 strconv.ParseInt: parsing \"abc\": invalid syntax",
      BAD + "&labelSelector=a%20in => 400 unable to parse requirement: found '' expected: '('",
      BAD + "&resourceVersionMatch=Exact => 422 ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
      BAD + "&continue=abc => " + BAD_MESSAGE,
      BAD + "&resourceVersion=abc => " + BAD_MESSAGE,
      BAD + "&fieldSelector=spec.foo%3Dx => UPSTREAM",
      "shardSelector=shardRange( => UPSTREAM",
      "shardSelector= => SERVE null",
      "shardSelector=%20%20 => 500 invalid shard selector: empty shard selector is not allowed; omit the parameter for unfiltered lists",
      "shardSelector=shardRange(object.metadata.uid,%20%220x8000000000000000%22,%20%270x10000000000000000%27)&limit=2"
          + " => SERVE shardRange(object.metadata.uid, '0x8000000000000000', '0x10000000000000000')",
      "shardSelector=shardRange(object.metadata.namespace,'0x0000000000000000','0x8000000000000000')%7C%7CshardRange(object.metadata.namespace,'0x9000000000000000','0xa000000000000000')"
          + " => SERVE shardRange(object.metadata.namespace, '0x0000000000000000', '0x8000000000000000') || shardRange(object.metadata.namespace, '0x9000000000000000', '0xa000000000000000')"})
  void list(String query, String expected) {
    assertThat(decide(query)).isEqualTo(expected);
  }
}
