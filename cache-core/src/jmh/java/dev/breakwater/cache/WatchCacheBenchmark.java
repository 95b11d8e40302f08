package dev.breakwater.cache;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The writer's cost per watch event through {@link WatchCache#update}: window append, persistent store update,
 * snapshot add, dispatch to {@code watchers} watchers (all matching, writing to a sink that discards).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WatchCacheBenchmark {
    @Param({"10000", "100000"})
    int size;

    @Param({"0", "100"})
    int watchers;

    WatchCache cache;
    long rv;
    int i;

    private static final class NullSink implements WatchSink {
        @Override public void write(Event event) {}
        @Override public boolean writeQueueFull() { return false; }
        @Override public void drainHandler(Runnable onDrain) {}
        @Override public void end() {}
    }

    @Setup
    public void setup() {
        ObjectExtractor ex = new ObjectExtractor(List.of());
        List<CachedObject> initial = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            String ns = "ns" + (k % 100);
            String json = "{\"metadata\":{\"name\":\"cm-" + k + "\",\"namespace\":\"" + ns + "\",\"resourceVersion\":\"1\"},"
                    + "\"data\":{\"k\":\"" + "x".repeat(300) + "\"}}";
            initial.add(ex.extract(json.getBytes(StandardCharsets.UTF_8)).value());
        }
        cache = new WatchCache(InstantSource.system());
        cache.replace(initial, 1);
        rv = 1;
        for (int w = 0; w < watchers; w++) {
            cache.watch(new WatchCache.WatchRequest("", 1, null, false, SelectionPredicate.everything(), null),
                    new NullSink());
        }
        this.ex = ex;
    }

    ObjectExtractor ex;

    private CachedObject nextObject() {
        i = (i + 7919) % size;
        rv++;
        String json = "{\"metadata\":{\"name\":\"cm-" + i + "\",\"namespace\":\"ns" + (i % 100)
                + "\",\"resourceVersion\":\"" + rv + "\"}}";
        return ex.extract(json.getBytes(StandardCharsets.UTF_8)).value();
    }

    /** Baseline: building the next object (JSON + extraction), included in {@link #update()}. */
    @Benchmark
    public CachedObject buildObjectOnly() {
        return nextObject();
    }

    @Benchmark
    public long update() {
        cache.update(nextObject());
        return cache.resourceVersion();
    }
}
