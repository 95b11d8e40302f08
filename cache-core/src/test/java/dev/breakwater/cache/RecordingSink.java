package dev.breakwater.cache;

import dev.breakwater.cache.watch.EventType;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** An in-memory {@link WatchSink} with a switchable "queue full" and structural checks. */
class RecordingSink implements WatchSink {
    final List<Event> events = new ArrayList<>();
    boolean full;
    Runnable drain;
    int ends;
    boolean writeAfterEnd;

    @Override
    public synchronized void write(Event event) {
        if (ends > 0) {
            writeAfterEnd = true;
        }
        events.add(event);
    }

    @Override
    public synchronized boolean writeQueueFull() {
        return full;
    }

    @Override
    public synchronized void drainHandler(Runnable onDrain) {
        drain = onDrain;
    }

    @Override
    public synchronized void end() {
        ends++;
    }

    /** Makes the sink writable and runs the drain callback, as a socket would. */
    void drain() {
        Runnable r;
        synchronized (this) {
            full = false;
            r = drain;
            drain = null;
        }
        if (r != null) {
            r.run();
        }
    }

    synchronized List<String> render() {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.type() + (e.object() == null ? "" : " " + (e.object().namespace().isEmpty() ? "" : e.object().namespace() + "/")
                    + e.object().name() + "@" + e.object().resourceVersion()) + " rv=" + e.resourceVersion()
                    + (e.initialEventsEnd() ? " end" : ""));
        }
        return out;
    }

    /**
     * Stream invariants: ended at most once, nothing after the end, after the initial ADDED state the event RVs
     * never go backwards, at most one initial-events-end bookmark, and it is not preceded by a live event.
     */
    synchronized void validate() {
        assertThat(ends).isLessThanOrEqualTo(1);
        assertThat(writeAfterEnd).as("write after end").isFalse();
        int endIdx = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).initialEventsEnd()) {
                assertThat(endIdx).as("one initial-events-end").isEqualTo(-1);
                endIdx = i;
            }
        }
        long last = 0;
        int from = endIdx >= 0 ? endIdx : 0;
        for (int i = from; i < events.size(); i++) {
            Event e = events.get(i);
            if (endIdx < 0 && e.type() == EventType.ADDED && last == 0) {
                continue; // initial state events are in key order, not RV order
            }
            assertThat(Long.compareUnsigned(e.resourceVersion(), last)).as("RV never backwards at %s", i)
                    .isGreaterThanOrEqualTo(0);
            last = e.resourceVersion();
        }
    }
}
