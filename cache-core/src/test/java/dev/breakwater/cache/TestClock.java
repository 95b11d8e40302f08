package dev.breakwater.cache;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A manually advanced clock. */
public final class TestClock implements InstantSource {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
        return now;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }
}
