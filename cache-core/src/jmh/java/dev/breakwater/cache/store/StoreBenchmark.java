package dev.breakwater.cache.store;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.pcollections.TreePMap;

/**
 * Cost per watch event (one update of an existing key, which is what a snapshot per event pays for) and per
 * "clone" (what keeping a snapshot costs), at 10k and 100k objects, for the candidate store structures:
 * pcollections {@code TreePMap} (chosen), vavr {@code TreeMap}, and {@code java.util.TreeMap} + copy (what a
 * mutable store must do to snapshot). Plus one list page of 500 from a continue key through {@link OrderedStore}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBenchmark {
    @Param({"10000", "100000"})
    int size;

    String[] keys;
    CachedObject[] objects;
    /** A second version of every object: events alternate between the two so each put really changes a value. */
    CachedObject[] updated;
    boolean[] flipped;
    TreePMap<String, CachedObject> pmap;
    io.vavr.collection.TreeMap<String, CachedObject> vavr;
    java.util.TreeMap<String, CachedObject> treeMap;
    OrderedStore store;
    int i;

    @Setup
    public void setup() {
        ObjectExtractor ex = new ObjectExtractor(java.util.List.of());
        keys = new String[size];
        objects = new CachedObject[size];
        updated = new CachedObject[size];
        flipped = new boolean[size];
        treeMap = new java.util.TreeMap<>();
        for (int k = 0; k < size; k++) {
            String ns = "ns" + (k % 100);
            String name = "cm-" + k;
            keys[k] = ns + "/" + name;
            String json = "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
                    + "\",\"resourceVersion\":\"" + (k + 1) + "\"}}";
            objects[k] = ex.extract(json.getBytes(StandardCharsets.UTF_8)).value();
            updated[k] = ex.extract(json.replace("\"resourceVersion\":\"", "\"resourceVersion\":\"9")
                    .getBytes(StandardCharsets.UTF_8)).value();
            treeMap.put(keys[k], objects[k]);
        }
        pmap = TreePMap.fromSortedMap(treeMap);
        vavr = io.vavr.collection.TreeMap.ofAll(treeMap);
        store = OrderedStore.of(java.util.Arrays.asList(objects));
    }

    private int next() {
        i = (i + 7919) % size;
        return i;
    }

    /** The other version of key k than the one the maps hold (all maps see the same sequence per key). */
    private CachedObject value(int k) {
        flipped[k] = !flipped[k];
        return flipped[k] ? updated[k] : objects[k];
    }

    @Benchmark
    public Object eventPcollections() {
        int k = next();
        pmap = pmap.plus(keys[k], value(k));
        return pmap;
    }

    @Benchmark
    public Object eventVavr() {
        int k = next();
        vavr = vavr.put(keys[k], value(k));
        return vavr;
    }

    @Benchmark
    public Object eventOrderedStore() {
        store = store.put(value(next()));
        return store;
    }

    /** A persistent map's clone is the reference; a mutable TreeMap must copy. */
    @Benchmark
    public Object cloneTreeMapCopy() {
        return new java.util.TreeMap<>(treeMap);
    }

    @Benchmark
    public void listPage500(Blackhole bh) {
        int k = next();
        bh.consume(store.listPrefix("", keys[k], 500, SelectionPredicate.everything()));
    }

    @Benchmark
    public int countFromKey() {
        return store.count("", keys[next()]);
    }
}
