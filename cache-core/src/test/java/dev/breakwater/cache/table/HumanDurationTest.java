package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected values printed by apimachinery v0.36.3's duration.HumanDuration (run with Go 1.26). */
class HumanDurationTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      -3        | <invalid>
      -1.5      | 0s
      0         | 0s
      1.9       | 1s
      59        | 59s
      119.9     | 119s
      120       | 2m
      121       | 2m1s
      599       | 9m59s
      600       | 10m
      601       | 10m
      3599      | 59m
      10799     | 179m
      10800     | 3h
      10860     | 3h1m
      28799     | 7h59m
      28800     | 8h
      172799    | 47h
      172800    | 2d
      176400    | 2d1h
      691199    | 7d23h
      691200    | 8d
      63071999  | 729d
      63072000  | 2y
      63158400  | 2y1d
      252287999 | 7y364d
      252288000 | 8y
      1e9       | 31y
      """)
  void matchesGo(double seconds, String expected) {
    assertThat(HumanDuration.of(Duration.ofNanos((long) (seconds * 1e9)))).isEqualTo(expected);
  }

  @Test
  void zeroTimeIsUnknown() {
    assertThat(HumanDuration.since(null, Instant.EPOCH)).isEqualTo("<unknown>");
  }
}
