package dev.breakwater.cache.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.status.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventWindowTest {
    /** A manually advanced clock. */
    static final class FakeClock implements InstantSource {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private static final ObjectExtractor EXTRACTOR = new ObjectExtractor(List.of());
    private FakeClock clock;
    private EventWindow window;

    @BeforeEach
    void setUp() {
        clock = new FakeClock();
        window = new EventWindow(clock);
    }

    private static CachedObject obj(long rv) {
        String json = "{\"metadata\":{\"name\":\"o" + rv + "\",\"resourceVersion\":\"" + rv + "\"}}";
        return EXTRACTOR.extract(json.getBytes(StandardCharsets.UTF_8)).value();
    }

    private void addEvents(long fromRv, int n) {
        for (int i = 0; i < n; i++) {
            long rv = fromRv + i;
            window.add(new WatchEvent(EventType.MODIFIED, obj(rv), obj(rv - 1), rv, window.now()));
        }
    }

    private static List<Long> rvs(Result<List<WatchEvent>> r) {
        return r.value().stream().map(WatchEvent::resourceVersion).toList();
    }

    /** Invariants checked after each scenario, Caffeine style. */
    private void assertInvariants() {
        assertThat(window.size()).isBetween(0, window.capacity());
        assertThat(window.capacity()).isBetween(EventWindow.LOWER_BOUND_CAPACITY, EventWindow.UPPER_BOUND_CAPACITY);
    }

    @Test
    void growsWhileOldestEventIsYoungerThanTheWindow() {
        window.replaced(10);
        addEvents(11, 100);
        assertThat(window.capacity()).isEqualTo(100);
        addEvents(111, 1);
        assertThat(window.capacity()).isEqualTo(200);
        assertThat(window.size()).isEqualTo(101);
        assertThat(rvs(window.eventsSince(10))).hasSize(101).startsWith(11L).endsWith(111L);
        assertInvariants();
    }

    @Test
    void evictsInsteadOfGrowingWhenHistoryIsOlderThanTheWindow() {
        window.replaced(10);
        addEvents(11, 100);
        clock.advance(Duration.ofSeconds(76));
        addEvents(111, 1);
        assertThat(window.capacity()).isEqualTo(100);
        assertThat(window.size()).isEqualTo(100);
        assertThat(rvs(window.eventsSince(11))).first().isEqualTo(12L);
        assertThat(window.eventsSince(10).error().message()).isEqualTo("too old resource version: 10 (11)");
        assertThat(window.eventsSince(10).error().code()).isEqualTo(410);
        assertInvariants();
    }

    @Test
    void shrinksWhenTheNewestQuarterIsOlderThanTheWindow() {
        window.replaced(0);
        addEvents(1, 200); // capacity 200, all at t0
        assertThat(window.capacity()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(100));
        addEvents(201, 1);
        assertThat(window.capacity()).isEqualTo(100);
        assertThat(window.size()).isEqualTo(100);
        assertThat(rvs(window.eventsSince(101))).startsWith(102L).endsWith(201L);
        assertInvariants();
    }

    @Test
    void exactlyAtTheWindowEdgeNeitherGrowsNorShrinks() {
        window.replaced(0);
        addEvents(1, 100);
        clock.advance(Duration.ofSeconds(75)); // not < 75 s (no growth), not > 75 s (no shrink)
        addEvents(101, 1);
        assertThat(window.capacity()).isEqualTo(100);
        assertThat(window.size()).isEqualTo(100);
    }

    @Test
    void boundedByUpperCapacity() {
        EventWindow small = new EventWindow(clock, Duration.ofSeconds(75), 4, 8);
        small.replaced(0);
        for (long rv = 1; rv <= 20; rv++) {
            small.add(new WatchEvent(EventType.ADDED, obj(rv), null, rv, clock.instant()));
        }
        assertThat(small.capacity()).isEqualTo(8);
        assertThat(small.size()).isEqualTo(8);
        assertThat(small.eventsSince(12).value()).extracting(WatchEvent::resourceVersion).containsExactly(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(small.eventsSince(11).error().message()).isEqualTo("too old resource version: 11 (12)");
    }

    @Test
    void resumesAfterRelistFromListResourceVersion() {
        window.replaced(50);
        assertThat(window.eventsSince(50).value()).isEmpty();
        assertThat(window.eventsSince(49).error().message()).isEqualTo("too old resource version: 49 (50)");
        addEvents(51, 5);
        assertThat(rvs(window.eventsSince(53))).containsExactly(54L, 55L);
        assertThat(rvs(window.eventsSince(1000))).isEmpty(); // ahead: nothing yet, the caller waits
        window.replaced(80);
        assertThat(window.size()).isZero();
        assertThat(window.eventsSince(60).error().message()).isEqualTo("too old resource version: 60 (80)");
    }

    @Test
    void uninitializedWindowIsAnInternalError() {
        Result<List<WatchEvent>> r = window.eventsSince(5);
        assertThat(r.error().code()).isEqualTo(500);
        assertThat(r.error().details().causes().getFirst().message()).isEqualTo("watch cache isn't correctly initialized");
    }

    @Test
    void readersGetASnapshotUnaffectedByLaterEvictions() {
        EventWindow small = new EventWindow(clock, Duration.ofSeconds(75), 4, 4);
        small.replaced(0);
        for (long rv = 1; rv <= 4; rv++) {
            small.add(new WatchEvent(EventType.ADDED, obj(rv), null, rv, clock.instant()));
        }
        List<WatchEvent> snap = small.eventsSince(0).value();
        small.add(new WatchEvent(EventType.ADDED, obj(5), null, 5, clock.instant()));
        assertThat(snap).extracting(WatchEvent::resourceVersion).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void capacityUpperBoundScalesWithTheWindowLikeGo() {
        assertThat(EventWindow.capacityUpperBound(Duration.ofSeconds(75))).isEqualTo(102_400);
        assertThat(EventWindow.capacityUpperBound(Duration.ofSeconds(30))).isEqualTo(102_400);
        assertThat(EventWindow.capacityUpperBound(Duration.ofSeconds(76))).isEqualTo(204_800);
        assertThat(EventWindow.capacityUpperBound(Duration.ofSeconds(150))).isEqualTo(204_800);
        assertThat(EventWindow.capacityUpperBound(Duration.ofSeconds(151))).isEqualTo(409_600);
        assertThat(EventWindow.capacityUpperBound(Duration.ofDays(3650))).isEqualTo(102_400 << 14);
    }
}
