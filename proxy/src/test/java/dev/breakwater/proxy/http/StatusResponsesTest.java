package dev.breakwater.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusResponsesTest {

  @Test
  void failureWithReasonHasApiserverFieldOrder() {
    assertThat(StatusResponses.failure(503, "ServiceUnavailable", "error trying to reach upstream https://10.0.0.1:6443: connection refused"))
        .isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\"error trying to reach upstream https://10.0.0.1:6443: connection refused\","
            + "\"reason\":\"ServiceUnavailable\",\"code\":503}\n");
  }

  @Test
  void emptyOrNullReasonIsOmitted() {
    String expected = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\"bad\",\"code\":502}\n";
    assertThat(StatusResponses.failure(502, "", "bad")).isEqualTo(expected);
    assertThat(StatusResponses.failure(502, null, "bad")).isEqualTo(expected);
  }

  @Test
  void htmlCharactersAreEscapedAsGoDoes() {
    assertThat(StatusResponses.failure(500, "", "<a href=\"x\">&</a>"))
        .contains("\"message\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"");
  }

  @Test
  void controlCharactersAreEscapedAsGoDoes() {
    // Go 1.22+ encoding/json writes \b and \f as short escapes; other C0 controls as a six-character hex escape.
    String msg = "\b\f\n\r\t\u0001\u001f\u007f\\\"/";
    assertThat(StatusResponses.failure(500, "", msg))
        .contains("\"message\":\"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\\\\\\\"/\"");
  }

  @Test
  void lineAndParagraphSeparatorsAreEscapedAndOtherUnicodeIsRaw() {
    assertThat(StatusResponses.failure(500, "", "\u2028\u2029é😀"))
        .contains("\"message\":\"\\u2028\\u2029é😀\"");
  }

  @Test
  void loneSurrogateBecomesReplacementCharacter() {
    assertThat(StatusResponses.failure(500, "", "a\ud800b")).contains("\"message\":\"a\\ufffdb\"");
  }

  @Test
  void reasonIsEscapedToo() {
    assertThat(StatusResponses.failure(418, "A<B", "m")).contains("\"reason\":\"A\\u003cB\",\"code\":418}");
  }
}
