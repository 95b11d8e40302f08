package dev.breakwater.cache;

import static dev.breakwater.cache.TestObjects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.WatchCache.WatchRequest;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The writer thread offers while another thread plays the socket (toggling writeQueueFull and running the drain
 * callback): every event arrives exactly once, in order, and sink calls never overlap.
 */
class DispatchConcurrencyTest {

    @Test
    void producerAndDrainerOnDifferentThreadsLoseNothing() throws Exception {
        WatchCache cache = new WatchCache(InstantSource.system(), new WatchCache.Config(Duration.ofSeconds(75), 100,
                100_000, 1000, Duration.ofMinutes(10), 100_000, Duration.ofHours(1), Duration.ofMinutes(1)));
        cache.replace(List.of(), 1);
        AtomicBoolean inSink = new AtomicBoolean();
        AtomicBoolean overlap = new AtomicBoolean();
        RecordingSink sink = new RecordingSink() {
            @Override
            public void write(Event event) {
                if (!inSink.compareAndSet(false, true)) {
                    overlap.set(true);
                }
                super.write(event);
                inSink.set(false);
            }
        };
        cache.watch(new WatchRequest("", 1, null, false, SelectionPredicate.everything(), null), sink).value();
        int n = 5000;
        AtomicBoolean done = new AtomicBoolean();
        Thread socket = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                synchronized (sink) {
                    sink.full = ThreadLocalRandom.current().nextBoolean();
                }
                if (!sink.writeQueueFull()) {
                    sink.drain();
                }
                Thread.onSpinWait();
            }
            sink.drain();
        });
        for (int i = 0; i < n; i++) {
            cache.add(cm("ns", "o" + i, 2 + i));
        }
        done.set(true);
        socket.join();
        sink.drain();
        assertThat(overlap).isFalse();
        assertThat(sink.events).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(sink.events.get(i).resourceVersion()).isEqualTo(2 + i);
        }
        sink.validate();
    }
}
