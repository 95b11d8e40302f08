package dev.breakwater.cache.codec;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.TestObjects;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.object.CachedObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedWatchEncoderTest {

  /** A JSON encoder that counts its encodes. */
  static final class Counting implements WatchEventEncoder {
    final AtomicInteger encodes = new AtomicInteger();
    final JsonWatchEncoder json = new JsonWatchEncoder(new TypeMeta("ConfigMap", "v1"));

    @Override
    public byte[] encode(WatchSink.Event event) {
      encodes.incrementAndGet();
      return json.encode(event);
    }

    @Override
    public String contentType() {
      return json.contentType();
    }
  }

  @Test
  void anEventFannedOutIsEncodedOnceAndReadsTheSame() {
    Counting counting = new Counting();
    SharedWatchEncoder shared = new SharedWatchEncoder(counting);
    CachedObject cm = TestObjects.cm("ns", "a", 5);
    byte[] first = null;
    for (int watcher = 0; watcher < 100; watcher++) { // each watcher converts its own Event instance
      byte[] b = shared.encode(new WatchSink.Event(EventType.MODIFIED, cm, 5, false));
      if (first == null) {
        first = b;
      }
      assertThat(b).isSameAs(first);
    }
    assertThat(counting.encodes).hasValue(1);
    assertThat(first).isEqualTo(counting.json.encode(new WatchSink.Event(EventType.MODIFIED, cm, 5, false)));
  }

  @Test
  void aDifferentTypeObjectOrResourceVersionIsEncodedAfresh() {
    Counting counting = new Counting();
    SharedWatchEncoder shared = new SharedWatchEncoder(counting);
    CachedObject cm = TestObjects.cm("ns", "a", 5);
    byte[] modified = shared.encode(new WatchSink.Event(EventType.MODIFIED, cm, 5, false));
    // A selector exit: the previous state as DELETED at the event's RV (the RV is rewritten in the bytes).
    byte[] exit = shared.encode(new WatchSink.Event(EventType.DELETED, cm, 7, false));
    assertThat(new String(exit)).contains("\"type\":\"DELETED\"").contains("\"resourceVersion\":\"7\"");
    byte[] added = shared.encode(new WatchSink.Event(EventType.ADDED, cm, 7, false));
    byte[] other = shared.encode(new WatchSink.Event(EventType.ADDED, TestObjects.cm("ns", "a", 5), 7, false));
    assertThat(counting.encodes).hasValue(4);
    assertThat(new String(modified)).contains("\"type\":\"MODIFIED\"").contains("\"resourceVersion\":\"5\"");
    assertThat(added).isNotSameAs(other).isEqualTo(other);
  }

  @Test
  void bookmarksAreNotShared() {
    Counting counting = new Counting();
    SharedWatchEncoder shared = new SharedWatchEncoder(counting);
    shared.encode(new WatchSink.Event(EventType.BOOKMARK, null, 9, false));
    shared.encode(new WatchSink.Event(EventType.BOOKMARK, null, 9, true));
    assertThat(counting.encodes).hasValue(2);
    assertThat(shared.contentType()).isEqualTo("application/json");
    assertThat(shared.text()).isTrue();
  }
}
