package dev.breakwater.cache.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** float64 printing as Go 1.26 prints it: fmt's %v and encoding/json (values captured from Go). */
class GoValuesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      1e6                  | 1e+06         | 1000000
      123456               | 123456        | 123456
      1234567              | 1.234567e+06  | 1234567
      1e20                 | 1e+20         | 100000000000000000000
      1e21                 | 1e+21         | 1e+21
      1e22                 | 1e+22         | 1e+22
      0.0001               | 0.0001        | 0.0001
      0.00001              | 1e-05         | 0.00001
      1.5                  | 1.5           | 1.5
      12345678901234567890 | 1.2345678901234567e+19 | 12345678901234567000
      2.7                  | 2.7           | 2.7
      1e-7                 | 1e-07         | 1e-7
      -2.5e-8              | -2.5e-08      | -2.5e-8
      100                  | 100           | 100
      0.1                  | 0.1           | 0.1
      1234567.5            | 1.2345675e+06 | 1234567.5
      -1e21                | -1e+21        | -1e+21
      """)
  void floatsPrintAsInGo(double f, String fmt, String json) {
    assertThat(GoValues.fmtFloat(f)).isEqualTo(fmt);
    assertThat(GoValues.jsonFloat(f)).isEqualTo(json);
  }

  @Test
  void unstructuredValuesMarshalWithSortedKeysAndHtmlEscapes() throws Exception {
    StringBuilder sb = new StringBuilder();
    GoValues.marshal(sb, new ObjectMapper().readTree("{\"b\":1,\"a\":\"<x>&\",\"c\":[1.0,1e-7,12345678901234567890,true,null]}"));
    assertThat(sb).hasToString("{\"a\":\"\\u003cx\\u003e\\u0026\",\"b\":1,\"c\":[1,1e-7,12345678901234567000,true,null]}");
  }
}
