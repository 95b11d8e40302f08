package dev.breakwater.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.object.CachedObject;
import java.util.Map;

/** Structure invariants checked after each test case (Caffeine-style validation). */
public final class StoreValidator {
    private StoreValidator() {}

    /** Keys strictly ascending, each key is the key of its object, size agrees with iteration. */
    public static void validate(OrderedStore store) {
        String prev = null;
        int n = 0;
        for (Map.Entry<String, CachedObject> e : store.entries()) {
            assertThat(e.getKey()).isEqualTo(OrderedStore.keyOf(e.getValue()));
            if (prev != null) {
                assertThat(e.getKey().compareTo(prev)).as("keys ascending").isPositive();
            }
            prev = e.getKey();
            n++;
        }
        assertThat(store.size()).isEqualTo(n);
        assertThat(store.count("", "")).isEqualTo(n);
    }

    /** RVs strictly ascending, count bound respected, every snapshot valid. */
    public static void validate(Snapshotter s, int maxCount) {
        long[] rvs = s.resourceVersionsForTest();
        assertThat(rvs.length).isEqualTo(s.size()).isLessThanOrEqualTo(maxCount);
        for (int i = 1; i < rvs.length; i++) {
            assertThat(Long.compareUnsigned(rvs[i], rvs[i - 1])).as("snapshot RVs ascending").isPositive();
        }
        for (OrderedStore o : s.snapshotsForTest()) {
            validate(o);
        }
    }
}
