package dev.breakwater.cache.codec;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * One whole LIST body (500 stored objects of {@code objectBytes} each) through the list encoders, against a
 * plain memcpy of the same object bytes into a 64 KB buffer ({@code memcpy}): the encoder's bytes/s is
 * {@code 500 × objectBytes / time}. Items are JSON ConfigMaps; the protobuf encoder with
 * {@link ProtobufListEncoder#STORED} only frames the stored bytes, so JSON bytes measure it as well.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListEncoderBenchmark {
    static final int ITEMS = 500;

    @Param({"1024", "102400"})
    int objectBytes;

    List<CachedObject> items;
    byte[][] raw;
    byte[] dest = new byte[JsonListEncoder.CHUNK_BYTES + 4096];
    ByteBuffer direct = ByteBuffer.allocateDirect(JsonListEncoder.CHUNK_BYTES);
    PartialObjectMetadataCodec pom = new PartialObjectMetadataCodec(false);

    @Setup
    public void setup() {
        ObjectExtractor ex = new ObjectExtractor(List.of());
        items = new ArrayList<>(ITEMS);
        raw = new byte[ITEMS][];
        for (int k = 0; k < ITEMS; k++) {
            String head = "{\"metadata\":{\"name\":\"cm-" + k + "\",\"namespace\":\"bench\",\"resourceVersion\":\"" + (k + 1) + "\"},"
                + "\"data\":{\"k\":\"";
            String tail = "\"}}";
            String json = head + "x".repeat(Math.max(0, objectBytes - head.length() - tail.length())) + tail;
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            raw[k] = bytes;
            items.add(ex.extract(bytes).value());
        }
    }

    /** The baseline: every object's bytes copied once, 64 KB at a time. */
    @Benchmark
    public int memcpy() {
        int at = 0;
        int sum = 0;
        for (byte[] b : raw) {
            if (at + b.length > dest.length) {
                sum += at;
                at = 0;
            }
            if (b.length > dest.length) {
                for (int off = 0; off < b.length; off += dest.length) {
                    System.arraycopy(b, off, dest, 0, Math.min(dest.length, b.length - off));
                }
                sum += b.length;
                continue;
            }
            System.arraycopy(b, 0, dest, at, b.length);
            at += b.length;
        }
        return sum + at;
    }

    /** The baseline for the socket variants: the same bytes copied into a 64 KB direct buffer (what the transport does). */
    @Benchmark
    public int memcpyToDirect() {
        int sum = 0;
        for (byte[] b : raw) {
            for (int off = 0; off < b.length; ) {
                if (!direct.hasRemaining()) {
                    sum += direct.position();
                    direct.clear();
                }
                int n = Math.min(direct.remaining(), b.length - off);
                direct.put(b, off, n);
                off += n;
            }
        }
        sum += direct.position();
        direct.clear();
        return sum;
    }

    /** The serving path: the chunks as read-only slices (what BodyPump wraps for the socket). */
    @Benchmark
    public long jsonSlices(Blackhole bh) {
        JsonListEncoder e = new JsonListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null), items.iterator(), false);
        return drain(e, bh);
    }

    @Benchmark
    public long protobufSlices(Blackhole bh) {
        ProtobufListEncoder e = new ProtobufListEncoder("v1", "ConfigMapList", 9, null, null, items, ProtobufListEncoder.STORED, 1, 2);
        return drain(e, bh);
    }

    /** PartialObjectMetadataList in JSON: a shared head, the stored metadata slice, a brace per item. */
    @Benchmark
    public long pomJsonSlices(Blackhole bh) {
        JsonListEncoder e = new JsonListEncoder(JsonListEncoder.Envelope.partialObjectMetadataList("meta.k8s.io/v1", 9, null, null),
            items.iterator(), false, pom.jsonListItem("meta.k8s.io/v1"));
        return drain(e, bh);
    }

    /** The slices and the transport's one copy: each chunk's slices gathered into a 64 KB direct buffer. */
    @Benchmark
    public int jsonSlicesToDirect() {
        JsonListEncoder e = new JsonListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null), items.iterator(), false);
        int sum = 0;
        for (ByteBuffer[] c = e.nextSlices(); c != null; c = e.nextSlices()) {
            for (ByteBuffer b : c) {
                while (b.hasRemaining()) {
                    if (!direct.hasRemaining()) {
                        sum += direct.position();
                        direct.clear();
                    }
                    int n = Math.min(direct.remaining(), b.remaining());
                    direct.put(direct.position(), b, b.position(), n);
                    direct.position(direct.position() + n);
                    b.position(b.position() + n);
                }
            }
        }
        sum += direct.position();
        direct.clear();
        return sum;
    }

    /** The copying convenience ({@link BodyChunks#nextChunk}: slices concatenated); before the slices, the serving path itself. */
    @Benchmark
    public void jsonChunks(Blackhole bh) {
        JsonListEncoder e = new JsonListEncoder(new JsonListEncoder.Envelope("ConfigMapList", "v1", 9, null, null), items.iterator(), false);
        for (byte[] c = e.nextChunk(); c != null; c = e.nextChunk()) {
            bh.consume(c);
        }
    }

    @Benchmark
    public void protobufChunks(Blackhole bh) {
        ProtobufListEncoder e = new ProtobufListEncoder("v1", "ConfigMapList", 9, null, null, items, ProtobufListEncoder.STORED, 1, 2);
        for (byte[] c = e.nextChunk(); c != null; c = e.nextChunk()) {
            bh.consume(c);
        }
    }

    /** Takes every chunk of {@code body} as the socket would: the bytes counted, the slices consumed. */
    private static long drain(BodyChunks body, Blackhole bh) {
        long n = 0;
        for (ByteBuffer[] c = body.nextSlices(); c != null; c = body.nextSlices()) {
            for (ByteBuffer b : c) {
                n += b.remaining();
            }
            bh.consume(c);
        }
        return n;
    }
}
