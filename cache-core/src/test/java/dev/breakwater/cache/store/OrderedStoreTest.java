package dev.breakwater.cache.store;

import static dev.breakwater.cache.TestObjects.cm;
import static dev.breakwater.cache.TestObjects.names;
import static dev.breakwater.cache.TestObjects.predicate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The list path of the cacher (store ListPrefix + GetList + PrepareContinueToken) as a matrix of cases; the
 * store's invariants are validated after each case.
 */
class OrderedStoreTest {
    private final List<OrderedStore> touched = new ArrayList<>();

    private OrderedStore track(OrderedStore s) {
        touched.add(s);
        return s;
    }

    @AfterEach
    void validate() {
        touched.forEach(StoreValidator::validate);
    }

    /** default: c1 c2 c3 (c2 app=x), kube-system: k1, x: c1 — plus cluster-scoped keys never share a prefix. */
    private OrderedStore fixture() {
        return track(OrderedStore.of(List.of(
                cm("default", "c3", 13), cm("default", "c1", 11, "app", "y"), cm("default", "c2", 12, "app", "x"),
                cm("kube-system", "k1", 20, "app", "x"), cm("x", "c1", 30))));
    }

    @Test
    void keysAreNamespaceSlashNameOrName() {
        assertThat(OrderedStore.keyOf(cm("ns", "a", 1))).isEqualTo("ns/a");
        assertThat(OrderedStore.keyOf(cm("", "node-1", 1))).isEqualTo("node-1");
        assertThat(OrderedStore.namespacePrefix("ns")).isEqualTo("ns/");
        assertThat(OrderedStore.namespacePrefix("")).isEmpty();
    }

    @Test
    void putRemoveGetArePersistent() {
        OrderedStore a = track(OrderedStore.empty().put(cm("ns", "a", 1)));
        OrderedStore b = track(a.put(cm("ns", "a", 2)).put(cm("ns", "b", 3)));
        OrderedStore c = track(b.remove("ns/a"));
        assertThat(a.get("ns/a").orElseThrow().resourceVersion()).isEqualTo(1);
        assertThat(b.get("ns/a").orElseThrow().resourceVersion()).isEqualTo(2);
        assertThat(c.get("ns/a")).isEmpty();
        assertThat(c.remove("nope")).isSameAs(c);
        assertThat(names(b.listPrefix(""))).isEqualTo("ns/a ns/b");
    }

    @Test
    void namespacePrefixDoesNotMatchLongerNamespace() {
        OrderedStore s = track(OrderedStore.of(List.of(cm("a", "x", 1), cm("ab", "y", 2), cm("a-", "z", 3))));
        assertThat(names(s.listPrefix("a/"))).isEqualTo("a/x");
        assertThat(s.count("a/", "")).isEqualTo(1);
    }

    @Test
    void unlimitedListReturnsAllInKeyOrderWithoutContinue() {
        ListPage p = fixture().listPrefix("", "", 0, SelectionPredicate.everything());
        assertThat(names(p.items())).isEqualTo("default/c1 default/c2 default/c3 kube-system/k1 x/c1");
        assertThat(p.continueKey()).isNull();
        assertThat(p.remainingItemCount()).isNull();
    }

    @Test
    void limitWithoutSelectorsGivesContinueAndRemainingCount() {
        OrderedStore s = fixture();
        ListPage p1 = s.listPrefix("", "", 2, SelectionPredicate.everything());
        assertThat(names(p1.items())).isEqualTo("default/c1 default/c2");
        assertThat(p1.continueKey()).isEqualTo("default/c2\u0000");
        assertThat(p1.remainingItemCount()).isEqualTo(3L);
        ListPage p2 = s.listPrefix("", p1.continueKey(), 2, SelectionPredicate.everything());
        assertThat(names(p2.items())).isEqualTo("default/c3 kube-system/k1");
        assertThat(p2.remainingItemCount()).isEqualTo(1L);
        ListPage p3 = s.listPrefix("", p2.continueKey(), 2, SelectionPredicate.everything());
        assertThat(names(p3.items())).isEqualTo("x/c1");
        assertThat(p3.continueKey()).isNull();
        assertThat(p3.remainingItemCount()).isNull();
    }

    @Test
    void pageEndingExactlyAtLastItemHasNoContinue() {
        ListPage p = fixture().listPrefix("default/", "", 3, SelectionPredicate.everything());
        assertThat(names(p.items())).isEqualTo("default/c1 default/c2 default/c3");
        assertThat(p.hasMore()).isFalse();
        assertThat(p.remainingItemCount()).isNull();
    }

    @Test
    void selectorsNeverGiveRemainingCountAndMayEndWithEmptyPage() {
        OrderedStore s = fixture();
        SelectionPredicate appX = predicate("app=x", "");
        ListPage p1 = s.listPrefix("", "", 2, appX);
        assertThat(names(p1.items())).isEqualTo("default/c2 kube-system/k1");
        assertThat(p1.continueKey()).isEqualTo("kube-system/k1\u0000"); // x/c1 still unscanned
        assertThat(p1.remainingItemCount()).isNull();
        ListPage p2 = s.listPrefix("", p1.continueKey(), 2, appX);
        assertThat(p2.items()).isEmpty();
        assertThat(p2.continueKey()).isNull();
    }

    @Test
    void fieldSelectorOnNamespace() {
        ListPage p = fixture().listPrefix("", "", 0, predicate("", "metadata.namespace=x"));
        assertThat(names(p.items())).isEqualTo("x/c1");
        ListPage q = fixture().listPrefix("", "", 0, predicate("", "metadata.name!=c1"));
        assertThat(names(q.items())).isEqualTo("default/c2 default/c3 kube-system/k1");
    }

    @Test
    void remainingCountIsFromThisPagesStart() {
        OrderedStore s = fixture();
        ListPage p = s.listPrefix("default/", "default/c1\u0000", 1, SelectionPredicate.everything());
        assertThat(names(p.items())).isEqualTo("default/c2");
        assertThat(p.remainingItemCount()).isEqualTo(1L);
        assertThat(s.count("default/", "default/c1\u0000")).isEqualTo(2);
    }

    @Test
    void startKeyBeforeOrAfterPrefix() {
        OrderedStore s = fixture();
        assertThat(names(s.listPrefix("kube-system/", "a", 0, SelectionPredicate.everything()).items()))
                .isEqualTo("kube-system/k1");
        assertThat(s.listPrefix("default/", "z", 0, SelectionPredicate.everything()).items()).isEmpty();
        assertThat(s.count("default/", "z")).isZero();
    }

    @Test
    void clusterScopedKeys() {
        OrderedStore s = track(OrderedStore.of(List.of(cm("", "n2", 2), cm("", "n1", 1), cm("", "n10", 3))));
        ListPage p = s.listPrefix("", "", 2, SelectionPredicate.everything());
        assertThat(names(p.items())).isEqualTo("n1 n10");
        assertThat(p.continueKey()).isEqualTo("n10\u0000");
        assertThat(p.remainingItemCount()).isEqualTo(1L);
    }

    @Test
    void memoryGrowsWithChangesNotSnapshotsTimesObjects() throws Exception {
        int objects = 10_000;
        List<CachedObject> initial = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            initial.add(cm("ns" + (i % 10), "o" + i, i + 1));
        }
        OrderedStore s = OrderedStore.of(initial);
        List<OrderedStore> snapshots = new ArrayList<>();
        snapshots.add(s);
        int changes = 1_000;
        for (int i = 0; i < changes; i++) {
            s = s.put(cm("ns" + (i % 10), "o" + (i * 7 % objects), objects + i + 1));
            snapshots.add(s);
        }
        track(s);
        long nodes = distinctTreeNodes(snapshots);
        // Copying stores would hold (changes+1) * objects = 10 million nodes; sharing holds the initial tree plus
        // one root-to-leaf path (AVL height <= 1.44 log2 n ~ 20) per change.
        assertThat(nodes).isGreaterThanOrEqualTo(objects).isLessThan(objects + changes * 25L);
    }

    /** Counts distinct pcollections tree nodes reachable from the snapshots (identity). */
    private static long distinctTreeNodes(List<OrderedStore> snapshots) throws Exception {
        Field treeField = org.pcollections.TreePMap.class.getDeclaredField("tree");
        treeField.setAccessible(true);
        Class<?> kv = Class.forName("org.pcollections.KVTree");
        Field left = kv.getDeclaredField("left");
        Field right = kv.getDeclaredField("right");
        Field size = kv.getDeclaredField("size");
        left.setAccessible(true);
        right.setAccessible(true);
        size.setAccessible(true);
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayList<Object> stack = new ArrayList<>();
        for (OrderedStore s : snapshots) {
            stack.add(treeField.get(s.tree()));
        }
        while (!stack.isEmpty()) {
            Object n = stack.removeLast();
            if ((int) size.get(n) == 0 || !seen.add(n)) {
                continue;
            }
            stack.add(left.get(n));
            stack.add(right.get(n));
        }
        return seen.size();
    }
}
