package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MemoryBudgetTest {

  static final long MI = 1L << 20;

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"0, 0", "1, 1", "1048576, 1048576", "512Ki, 524288", "64Mi, 67108864", "1Gi, 1073741824", "' 2Mi ', 2097152"})
  void byteSizes(String text, long bytes) {
    assertThat(ByteSizeConverter.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Mi", "-1", "+5", "1.5Mi", "64MB", "64M", "1Ti", "1 Mi", "0x10", "9223372036854775807", "4294967297Gi"})
  void badByteSizesAreOneLineErrors(String text) {
    assertThatThrownBy(() -> ByteSizeConverter.parse(text)).isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("invalid byte size \"" + text + "\" (use e.g. 1048576, 512Ki, 64Mi, 1Gi)");
  }

  @Test
  void defaultsAreDerivedFromTheMaxHeap() {
    MemoryBudget d = MemoryBudget.DEFAULT;
    assertThat(d.inflightBytes(512 * MI)).isEqualTo(128 * MI);
    assertThat(d.watchQueueBytes(512 * MI)).isEqualTo(MI);
    assertThat(d.watchQueueBytes(64 * MI)).isEqualTo(256 << 10); // floor
    assertThat(d.watchQueueBytes(16L << 30)).isEqualTo(8 * MI); // ceiling
  }

  @Test
  void explicitValuesWinAndZeroIsNoLimit() {
    MemoryBudget m = new MemoryBudget(10 * MI, 100_000);
    assertThat(m.inflightBytes(512 * MI)).isEqualTo(10 * MI);
    assertThat(m.watchQueueBytes(512 * MI)).isEqualTo(100_000);
    MemoryBudget off = new MemoryBudget(0, 0);
    assertThat(off.inflightBytes(512 * MI)).isEqualTo(Long.MAX_VALUE);
    assertThat(off.watchQueueBytes(512 * MI)).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> new MemoryBudget(-2, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void flags() {
    ServeConfig c = ServeOptions.parse("--max-inflight-bytes=32Mi", "--max-watch-queue-bytes", "0");
    assertThat(c.memory()).isEqualTo(new MemoryBudget(32 * MI, 0));
    assertThat(ServeOptions.parse().memory()).isEqualTo(MemoryBudget.DEFAULT);
    assertThatThrownBy(() -> ServeOptions.parse("--max-inflight-bytes=lots")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--max-inflight-bytes").hasMessageContaining("invalid byte size \"lots\"");
  }
}
