package dev.breakwater.cache.table;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One Table LIST of 500 ConfigMaps (S1-table's shape: {@code objectBytes} each, includeObject=None so the row
 * printing is what is measured): {@code parsed} prints every row from the parsed object, which is what the
 * per-second memo paid whenever the second changed (every request of a client asking less than once a second);
 * {@code templated} prints from the warm per-object-version templates, only AGE formatted per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TableListBenchmark {
    static final int ITEMS = 500;

    @Param({"1024", "102400"})
    int objectBytes;

    List<CachedObject> items;
    TableConvertor convertor = BuiltInTableConvertors.lookup("configmaps", "v1").orElseThrow();
    TableRowCells memo = new TableRowCells(convertor);
    Instant now = Instant.parse("2026-11-23T00:00:00Z");

    @Setup
    public void setup() {
        ObjectExtractor ex = new ObjectExtractor(List.of());
        items = new ArrayList<>(ITEMS);
        for (int k = 0; k < ITEMS; k++) {
            String head = "{\"metadata\":{\"name\":\"cm-" + k + "\",\"namespace\":\"bench\",\"resourceVersion\":\"" + (k + 1)
                + "\",\"creationTimestamp\":\"2026-11-22T08:00:00Z\"},\"data\":{\"k\":\"";
            String tail = "\"}}";
            String json = head + "x".repeat(Math.max(0, objectBytes - head.length() - tail.length())) + tail;
            items.add(ex.extract(json.getBytes(StandardCharsets.UTF_8)).value());
        }
        for (CachedObject o : items) {
            memo.template(o);
        }
    }

    @Benchmark
    public void parsed(Blackhole bh) {
        TableEncoder e = new TableEncoder(convertor, "meta.k8s.io/v1", TableEncoder.listMeta(9, null, null), items.iterator(),
            o -> TableEncoder.rowCells(convertor, TableEncoder.parseJson(o.copyJson()), now), o -> TableEncoder.NULL, false);
        for (ByteBuffer[] c = e.nextSlices(); c != null; c = e.nextSlices()) {
            bh.consume(c);
        }
    }

    @Benchmark
    public void templated(Blackhole bh) {
        TableEncoder e = new TableEncoder(convertor, "meta.k8s.io/v1", TableEncoder.listMeta(9, null, null), items.iterator(),
            memo::template, now, (out, o) -> out.write(TableEncoder.NULL), false);
        for (ByteBuffer[] c = e.nextSlices(); c != null; c = e.nextSlices()) {
            bh.consume(c);
        }
    }
}
