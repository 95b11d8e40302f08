package dev.breakwater.cache.store;

import static dev.breakwater.cache.TestObjects.cm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.TestObjects;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Paginating with listPrefix against a naive model (filter the sorted list). */
class ListPrefixPropertyTest {

    @Property(tries = 200)
    void pagesConcatenateToTheFilteredListWithExactCounts(
            @ForAll @Size(max = 40) Set<@IntRange(min = 0, max = 60) Integer> ids,
            @ForAll @IntRange(min = 1, max = 7) int limit,
            @ForAll @IntRange(min = 0, max = 3) int nsChoice,
            @ForAll boolean withSelector) {
        List<CachedObject> objs = new ArrayList<>();
        for (int id : ids) {
            objs.add(cm("ns" + (id % 3), "o" + id, id + 1, "parity", id % 2 == 0 ? "even" : "odd"));
        }
        OrderedStore store = OrderedStore.of(objs);
        StoreValidator.validate(store);
        String prefix = nsChoice == 3 ? "" : "ns" + nsChoice + "/";
        SelectionPredicate p = withSelector ? TestObjects.predicate("parity=even", "") : SelectionPredicate.everything();

        List<String> expected = new ArrayList<>();
        for (var e : store.entries()) {
            if (e.getKey().startsWith(prefix) && p.matches(e.getValue())) {
                expected.add(e.getKey());
            }
        }
        List<String> got = new ArrayList<>();
        String start = "";
        for (int guard = 0; guard < 100; guard++) {
            ListPage page = store.listPrefix(prefix, start, limit, p);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            page.items().forEach(o -> got.add(OrderedStore.keyOf(o)));
            if (!page.hasMore()) {
                assertThat(page.remainingItemCount()).isNull();
                break;
            }
            assertThat(page.items()).hasSize(limit);
            if (withSelector) {
                assertThat(page.remainingItemCount()).isNull();
            } else {
                // items from this page's start minus the limit = what later pages will hold
                int fromStart = store.count(prefix, start);
                assertThat(page.remainingItemCount()).isEqualTo((long) fromStart - limit);
            }
            start = page.continueKey();
        }
        assertThat(got).isEqualTo(expected);
    }
}
