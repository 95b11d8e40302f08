package dev.breakwater.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParsersTest {

  static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void listSummaryReadsMetadataAndMeasuresItemsWithoutBuildingThem() throws IOException {
    String item1 = "{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}";
    String item2 = "{\"metadata\":{\"name\":\"b\"}}";
    String list = "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"42\",\"continue\":\"tok\","
        + "\"remainingItemCount\":3},\"items\":[" + item1 + "," + item2 + "]}";
    ListSummary s = ListSummary.read(in(list));
    assertThat(s.resourceVersion()).isEqualTo("42");
    assertThat(s.continueToken()).isEqualTo("tok");
    assertThat(s.items()).isEqualTo(2);
    assertThat(s.itemBytes()).isEqualTo(item1.length() + item2.length());
    assertThat(s.bytes()).isEqualTo(list.length());
  }

  @Test
  void watchEventHeadFindsTheBookmarkWhateverTheFieldOrder() throws IOException {
    String bookmark = "{\"object\":{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\","
        + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}},\"type\":\"BOOKMARK\"}";
    byte[] b = bookmark.getBytes(StandardCharsets.UTF_8);
    WatchEvent e = WatchEvent.parse(b, 0, b.length);
    assertThat(e.type()).isEqualTo("BOOKMARK");
    assertThat(e.resourceVersion()).isEqualTo("7");
    assertThat(e.initialEventsEnd()).isTrue();

    byte[] added = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"9\"},\"data\":{\"p\":\"q\"}}}"
        .getBytes(StandardCharsets.UTF_8);
    WatchEvent a = WatchEvent.parse(added, 0, added.length);
    assertThat(a.type()).isEqualTo("ADDED");
    assertThat(a.resourceVersion()).isEqualTo("9");
    assertThat(a.initialEventsEnd()).isFalse();
  }

  @Test
  void eventLinesSplitAcrossReadsAndGrowForLongLines() throws IOException {
    String longLine = "x".repeat(200_000);
    InputStream trickle = new InputStream() {
      final byte[] data = ("a\n\nbb\n" + longLine + "\nlast").getBytes(StandardCharsets.UTF_8);
      int pos;

      @Override
      public int read() {
        return pos < data.length ? data[pos++] : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= data.length) {
          return -1;
        }
        int n = Math.min(Math.min(len, 7000), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    EventLines lines = new EventLines(trickle);
    List<String> got = new ArrayList<>();
    int len;
    while ((len = lines.next()) >= 0) {
      got.add(new String(lines.buffer(), lines.offset(), len, StandardCharsets.UTF_8));
    }
    assertThat(got).containsExactly("a", "bb", longLine, "last");
  }

  @Test
  void fanOutScannerTakesTheObjectsResourceVersionOfModifiedEvents() {
    FanOutWatches.Received r = new FanOutWatches.Received();
    String modified = "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1234\"}}}\n";
    String bookmark = "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"ConfigMap\",\"metadata\":{\"resourceVersion\":\"1300\"}}}\n";
    String both = modified + bookmark + modified.replace("1234", "1301");
    // Split in awkward places, as TCP does.
    r.feed(io.vertx.core.buffer.Buffer.buffer(both.substring(0, 30)));
    r.feed(io.vertx.core.buffer.Buffer.buffer(both.substring(30, 150)));
    r.feed(io.vertx.core.buffer.Buffer.buffer(both.substring(150)));
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.resourceVersion(0)).isEqualTo(1234);
    assertThat(r.resourceVersion(1)).isEqualTo(1301);
    assertThat(r.last()).isEqualTo(1301);
  }
}
