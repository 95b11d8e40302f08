package dev.breakwater.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.codec.Slices;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A chunk's read-only slices become one Vert.x buffer over the same bytes; reading it leaves the slices' sources alone. */
class BodyPumpTest {

  @Test
  void wrapsSlicesWithoutCopyingAndLeavesTheSourcesUntouched() {
    byte[] stored = "{\"metadata\":{\"name\":\"a\"}}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer storedView = ByteBuffer.wrap(stored).asReadOnlyBuffer();
    ByteBuffer[] chunk = new Slices.Chunk().add("[".getBytes(StandardCharsets.UTF_8)).add(storedView)
        .add(",".getBytes(StandardCharsets.UTF_8)).add(storedView).add("]".getBytes(StandardCharsets.UTF_8)).toArray();
    Buffer b = BodyPump.wrap(chunk);
    String expected = "[" + new String(stored, StandardCharsets.UTF_8) + "," + new String(stored, StandardCharsets.UTF_8) + "]";
    assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    // What the transport does: read the ByteBuf to its end (twice over: getByteBuf hands out a view).
    for (int i = 0; i < 2; i++) {
      var buf = ((BufferInternal) b).getByteBuf();
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
    assertThat(storedView.position()).isZero();
    assertThat(storedView.remaining()).isEqualTo(stored.length);
    // No copy: the wrapped buffer sees the stored array itself.
    stored[2] = 'M';
    assertThat(b.toString(StandardCharsets.UTF_8)).startsWith("[{\"Metadata\"");
  }

  @Test
  void oneSliceChunksAreWrappedToo() {
    ByteBuffer[] chunk = {Slices.of("abc".getBytes(StandardCharsets.UTF_8))};
    assertThat(BodyPump.wrap(chunk).toString(StandardCharsets.UTF_8)).isEqualTo("abc");
  }
}
