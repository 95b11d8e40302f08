package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.proxy.upstream.RawResponseHead.MalformedHeadException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawResponseHeadTest {

  private static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void parsesA101HeadAndKeepsTheBytesAfterIt() throws Exception {
    String head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
        + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n";
    RawResponseHead h = RawResponseHead.parse(buf(head + "\u0080\u0003\u0000\u0001tail"));
    assertThat(h).isNotNull();
    assertThat(h.status()).isEqualTo(101);
    assertThat(h.reason()).isEqualTo("Switching Protocols");
    assertThat(h.headers().get("x-stream-protocol-version")).isEqualTo("v4.channel.k8s.io");
    assertThat(h.headers().get("UPGRADE")).isEqualTo("SPDY/3.1");
    assertThat(h.raw().toString(StandardCharsets.ISO_8859_1)).isEqualTo(head);
    assertThat(h.rest().getBytes()).isEqualTo(new byte[] {(byte) 0x80, 3, 0, 1, 't', 'a', 'i', 'l'});
  }

  @Test
  void restIsEmptyWhenNothingFollows() throws Exception {
    RawResponseHead h = RawResponseHead.parse(buf("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
    assertThat(h.rest().length()).isZero();
    assertThat(h.contentLength()).isZero();
    assertThat(h.chunked()).isFalse();
  }

  @Test
  void incompleteHeadAnswersNullAtEveryPrefix() throws Exception {
    String full = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
    for (int i = 0; i < full.length(); i++) {
      assertThat(RawResponseHead.parse(buf(full.substring(0, i)))).as("prefix %d", i).isNull();
    }
    assertThat(RawResponseHead.parse(buf(full))).isNotNull();
  }

  @Test
  void statusLineWithoutReason() throws Exception {
    RawResponseHead h = RawResponseHead.parse(buf("HTTP/1.1 204\r\n\r\n"));
    assertThat(h.status()).isEqualTo(204);
    assertThat(h.reason()).isEmpty();
    assertThat(h.headers().isEmpty()).isTrue();
  }

  @Test
  void repeatedHeadersAndTrimmedValues() throws Exception {
    RawResponseHead h = RawResponseHead.parse(buf("HTTP/1.0 200 OK\r\nWarning:   a  \r\nWarning: b\r\nX-Empty:\r\n\r\n"));
    assertThat(h.headers().getAll("Warning")).containsExactly("a", "b");
    assertThat(h.headers().get("X-Empty")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SSH-2.0-OpenSSH_9.6\r\n\r\n",
      "HTTP/2 200\r\n\r\n",
      "HTTP/1.1\r\n\r\n",
      "HTTP/1.1 20\r\n\r\n",
      "HTTP/1.1 abc OK\r\n\r\n",
      "HTTP/1.1 +20 OK\r\n\r\n",
      "HTTP/1.1 -20 OK\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 200OK\r\n\r\n",
  })
  void malformedStatusLines(String head) {
    assertThatThrownBy(() -> RawResponseHead.parse(buf(head))).isInstanceOf(MalformedHeadException.class)
        .hasMessageContaining("upstream");
  }

  @ParameterizedTest
  @ValueSource(strings = {"no colon here", ": empty name", "\r"})
  void malformedHeaderLines(String line) {
    assertThatThrownBy(() -> RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n")))
        .isInstanceOf(MalformedHeadException.class)
        .hasMessageStartingWith("malformed upstream header line");
  }

  @Test
  void longStatusLineIsAbbreviatedInTheMessage() {
    String junk = "X".repeat(500);
    assertThatThrownBy(() -> RawResponseHead.parse(buf(junk + "\r\n\r\n")))
        .isInstanceOf(MalformedHeadException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void incompleteHeadLargerThanTheLimitIsMalformed() throws Exception {
    String start = "HTTP/1.1 200 OK\r\nX-Big: ";
    Buffer atLimit = buf(start + "a".repeat(RawResponseHead.MAX_HEAD_BYTES - start.length()));
    assertThat(RawResponseHead.parse(atLimit)).isNull();
    Buffer over = atLimit.copy().appendString("a");
    assertThatThrownBy(() -> RawResponseHead.parse(over)).isInstanceOf(MalformedHeadException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void completeHeadLargerThanTheLimitIsMalformedEvenWhenItArrivesAtOnce() {
    Buffer big = buf("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(RawResponseHead.MAX_HEAD_BYTES) + "\r\n\r\n");
    assertThatThrownBy(() -> RawResponseHead.parse(big)).isInstanceOf(MalformedHeadException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void largeBodyAfterASmallHeadIsFine() throws Exception {
    Buffer b = buf("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n").appendBytes(new byte[100_000]);
    RawResponseHead h = RawResponseHead.parse(b);
    assertThat(h.rest().length()).isEqualTo(100_000);
  }

  @Test
  void contentLengthAndChunked() throws Exception {
    assertThat(RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\ncontent-length: 17\r\n\r\n")).contentLength()).isEqualTo(17);
    assertThat(RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")).contentLength()).isEqualTo(-1);
    assertThat(RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\n\r\n")).contentLength()).isEqualTo(-1);
    RawResponseHead chunked = RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"));
    assertThat(chunked.chunked()).isTrue();
    assertThat(chunked.contentLength()).isEqualTo(-1);
    assertThat(RawResponseHead.parse(buf("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n")).chunked()).isFalse();
  }
}
