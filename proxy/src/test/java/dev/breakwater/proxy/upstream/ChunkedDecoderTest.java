package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {

  private static final String WIRE = "1a;name=\"va;lue\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      + "A\r\n0123456789\r\n"
      + "00000003\r\nxyz\r\n"
      + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";
  private static final String DECODED = "abcdefghijklmnopqrstuvwxyz0123456789xyz";

  private static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void decodesInOneFeed() {
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    d.feed(buf(WIRE));
    assertThat(d.done()).isTrue();
    assertThat(out.toString()).isEqualTo(DECODED);
  }

  @Test
  void decodesWhenSplitAtEveryByteBoundary() {
    for (int cut = 0; cut <= WIRE.length(); cut++) {
      Buffer out = Buffer.buffer();
      ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
      d.feed(buf(WIRE.substring(0, cut)));
      assertThat(d.done()).as("cut %d", cut).isEqualTo(cut == WIRE.length());
      d.feed(buf(WIRE.substring(cut)));
      assertThat(d.done()).as("cut %d", cut).isTrue();
      assertThat(out.toString()).as("cut %d", cut).isEqualTo(DECODED);
    }
  }

  @Test
  void decodesOneByteAtATime() {
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    for (int i = 0; i < WIRE.length(); i++) {
      assertThat(d.done()).isFalse();
      d.feed(buf(WIRE.substring(i, i + 1)));
    }
    assertThat(d.done()).isTrue();
    assertThat(out.toString()).isEqualTo(DECODED);
  }

  @Test
  void bytesAfterTheLastChunkAreIgnored() {
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    d.feed(buf("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"));
    assertThat(d.done()).isTrue();
    assertThat(out.toString()).isEqualTo("abc");
    d.feed(buf("more"));
    assertThat(out.toString()).isEqualTo("abc");
  }

  @Test
  void binaryDataIsPassedUnchanged() {
    byte[] data = new byte[256];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    d.feed(buf("100\r\n").appendBytes(data).appendString("\r\n0\r\n\r\n"));
    assertThat(out.getBytes()).isEqualTo(data);
    assertThat(d.done()).isTrue();
  }

  @Test
  void noTerminatorMeansNotDone() {
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    d.feed(buf("3\r\nabc\r\n0\r\n"));
    assertThat(d.done()).isFalse();
    assertThat(out.toString()).isEqualTo("abc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n", "zz\r\n", "-1\r\n", "+5\r\n", "0x5\r\n", "1 2\r\n", "fffffffffffffffff\r\n", "8000000000000000\r\n"})
  void malformedSizesAreRejected(String sizeLine) {
    ChunkedDecoder d = new ChunkedDecoder(b -> { });
    assertThatThrownBy(() -> d.feed(buf(sizeLine))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("chunk size");
  }

  @Test
  void dataLongerThanTheDeclaredSizeIsRejected() {
    Buffer out = Buffer.buffer();
    ChunkedDecoder d = new ChunkedDecoder(out::appendBuffer);
    assertThatThrownBy(() -> d.feed(buf("3\r\nabcdef\r\n0\r\n\r\n"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void overlongSizeLineIsRejected() {
    ChunkedDecoder d = new ChunkedDecoder(b -> { });
    assertThatThrownBy(() -> d.feed(buf("1;" + "x".repeat(5000) + "\r\n"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("too long");
  }
}
