package dev.breakwater.cache.golang;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's strconv.ParseInt, query bools and time.ParseDuration, expected values from Go 1.26 semantics. */
class GoStrconvTest {

  @ParameterizedTest(name = "ParseInt({0})")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "0|0|NULL",
      "42|42|NULL",
      "+7|7|NULL",
      "-1|-1|NULL",
      "007|7|NULL",
      "9223372036854775807|9223372036854775807|NULL",
      "-9223372036854775808|-9223372036854775808|NULL",
      "9223372036854775808|0|strconv.ParseInt: parsing \"9223372036854775808\": value out of range",
      "-9223372036854775809|0|strconv.ParseInt: parsing \"-9223372036854775809\": value out of range",
      "99999999999999999999|0|strconv.ParseInt: parsing \"99999999999999999999\": value out of range",
      "99999999999999999999x|0|strconv.ParseInt: parsing \"99999999999999999999x\": value out of range",
      "abc|0|strconv.ParseInt: parsing \"abc\": invalid syntax",
      "''|0|strconv.ParseInt: parsing \"\": invalid syntax",
      "+|0|strconv.ParseInt: parsing \"+\": invalid syntax",
      "-|0|strconv.ParseInt: parsing \"-\": invalid syntax",
      "1_000|0|strconv.ParseInt: parsing \"1_000\": invalid syntax",
      "0x10|0|strconv.ParseInt: parsing \"0x10\": invalid syntax",
      "' 1'|0|strconv.ParseInt: parsing \" 1\": invalid syntax",
      "1.5|0|strconv.ParseInt: parsing \"1.5\": invalid syntax",
      "١٢|0|strconv.ParseInt: parsing \"١٢\": invalid syntax",
      "é|0|strconv.ParseInt: parsing \"é\": invalid syntax"})
  void parseInt(String s, long value, String error) {
    GoStrconv.Parsed p = GoStrconv.parseInt(s);
    assertThat(p.error()).isEqualTo(error);
    assertThat(p.value()).isEqualTo(value);
  }

  @ParameterizedTest(name = "queryBool({0}) = {1}")
  @CsvSource(delimiter = '|', value = {
      "0|false", "false|false", "False|false", "FALSE|false", "fAlSe|false", "falſe|false",
      "1|true", "true|true", "True|true", "yes|true", "no|true", "''|true", "abc|true", "f|true", "00|true", "' false'|true"})
  void queryBool(String v, boolean expected) {
    assertThat(GoStrconv.queryBool(v)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "ParseDuration({0})")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "0|0|true", "+0|0|true", "-0|0|true", "1s|1000000000|true", "1m30s|90000000000|true", "-5s|-5000000000|true",
      "1.5h|5400000000000|true", ".5s|500000000|true", "1.s|1000000000|true", "100ms|100000000|true", "3µs|3000|true",
      "3μs|3000|true", "2562047h|9223369200000000000|true",
      "abc|0|false", "1|0|false", "''|0|false", "1x|0|false", "s|0|false", ".s|0|false", "-|0|false",
      "9223372036854775808ns|0|false", "3000000h|0|false", "1s2|0|false"})
  void parseDuration(String s, long nanos, boolean ok) {
    GoStrconv.Parsed p = GoStrconv.parseDuration(s);
    assertThat(p.ok()).as("%s: %s", s, p.error()).isEqualTo(ok);
    assertThat(p.value()).isEqualTo(nanos);
  }

  /**
   * Found by the generated families (fuzz/GeneratedFamiliesTest): the unit and leading-int bounds
   * were computed from {@code (1L << 63) / x}, a negative number in Java, so compared as unsigned
   * they never tripped and a value × unit that overflows int64 wrapped instead of being Go's
   * "invalid duration" — a {@code timeout} the apiserver rejects with 400 was read as some other
   * deadline.
   */
  @ParameterizedTest(name = "ParseDuration({0}) overflows")
  @CsvSource(delimiter = '|', value = {
      "199999999999h|time: invalid duration \"199999999999h\"",
      "2562048h|time: invalid duration \"2562048h\"",
      "153722868m|time: invalid duration \"153722868m\"",
      "9223372037s|time: invalid duration \"9223372037s\"",
      "1h99999999999éus|time: unknown unit \"\\xc3\\xa9us\" in duration \"1h99999999999\\xc3\\xa9us\""})
  void parseDurationOverflowIsInvalidAsInGo(String s, String error) {
    GoStrconv.Parsed p = GoStrconv.parseDuration(s);
    assertThat(p.ok()).as(s).isFalse();
    assertThat(p.error()).isEqualTo(error);
  }
}
