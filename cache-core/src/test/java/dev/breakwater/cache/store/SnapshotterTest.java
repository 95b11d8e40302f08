package dev.breakwater.cache.store;

import static dev.breakwater.cache.TestObjects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotterTest {
    private final TestClock clock = new TestClock();
    private final List<Snapshotter> touched = new ArrayList<>();
    private int maxCount = Integer.MAX_VALUE;

    private Snapshotter snapshotter(int max, Duration age) {
        maxCount = max;
        Snapshotter s = new Snapshotter(clock, max, age);
        touched.add(s);
        return s;
    }

    @AfterEach
    void validate() {
        touched.forEach(s -> StoreValidator.validate(s, maxCount));
    }

    private static OrderedStore storeAt(long rv) {
        return OrderedStore.empty().put(cm("ns", "o", rv));
    }

    private static long rvOf(OrderedStore s) {
        return s.get("ns/o").orElseThrow().resourceVersion();
    }

    @Test
    void getLessOrEqualPicksGreatestNotAbove() {
        Snapshotter s = snapshotter(100, Duration.ofHours(1));
        for (long rv : new long[] {10, 20, 30}) {
            s.add(rv, storeAt(rv));
        }
        assertThat(s.getLessOrEqual(9)).isEmpty();
        assertThat(rvOf(s.getLessOrEqual(10).orElseThrow())).isEqualTo(10);
        assertThat(rvOf(s.getLessOrEqual(29).orElseThrow())).isEqualTo(20);
        assertThat(rvOf(s.getLessOrEqual(1000).orElseThrow())).isEqualTo(30);
    }

    @Test
    void addSameRvReplacesOlderRvIgnored() {
        Snapshotter s = snapshotter(100, Duration.ofHours(1));
        s.add(10, storeAt(1));
        s.add(10, storeAt(2));
        s.add(5, storeAt(3));
        assertThat(s.size()).isEqualTo(1);
        assertThat(rvOf(s.getLessOrEqual(10).orElseThrow())).isEqualTo(2);
    }

    @Test
    void removeLessAndReset() {
        Snapshotter s = snapshotter(100, Duration.ofHours(1));
        for (long rv = 1; rv <= 50; rv++) {
            s.add(rv, storeAt(rv));
        }
        s.removeLess(40);
        assertThat(s.size()).isEqualTo(11);
        assertThat(s.getLessOrEqual(39)).isEmpty();
        assertThat(s.oldestResourceVersion()).contains(40L);
        s.reset();
        assertThat(s.size()).isZero();
        s.add(60, storeAt(60));
        assertThat(rvOf(s.getLessOrEqual(70).orElseThrow())).isEqualTo(60);
    }

    @Test
    void countBoundDropsOldest() {
        Snapshotter s = snapshotter(3, Duration.ofHours(1));
        for (long rv = 1; rv <= 10; rv++) {
            s.add(rv, storeAt(rv));
        }
        assertThat(s.resourceVersionsForTest()).containsExactly(8, 9, 10);
    }

    @Test
    void ageBoundDropsOldButKeepsNewest() {
        Snapshotter s = snapshotter(100, Duration.ofSeconds(75));
        s.add(1, storeAt(1));
        clock.advance(Duration.ofSeconds(60));
        s.add(2, storeAt(2));
        clock.advance(Duration.ofSeconds(30));
        s.add(3, storeAt(3));
        assertThat(s.resourceVersionsForTest()).containsExactly(2, 3);
        clock.advance(Duration.ofMinutes(10));
        s.add(4, storeAt(4));
        assertThat(s.resourceVersionsForTest()).containsExactly(4);
    }

    @Test
    void wrapsAroundTheRing() {
        Snapshotter s = snapshotter(1000, Duration.ofHours(1));
        for (long rv = 1; rv <= 100; rv++) {
            s.add(rv, storeAt(rv));
            if (rv % 3 == 0) {
                s.removeLess(rv - 5);
            }
        }
        assertThat(s.oldestResourceVersion()).contains(94L);
        for (long rv = 94; rv <= 100; rv++) {
            assertThat(rvOf(s.getLessOrEqual(rv).orElseThrow())).isEqualTo(rv);
        }
    }
}
