package dev.breakwater.bench.report;

import dev.breakwater.bench.env.Arm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The report header: how the run was started and on what.
 *
 * @param command the command line that reproduces the run
 * @param started when it started
 * @param elapsed how long it took
 * @param settings scale, repeats, durations, in words
 * @param arms arms that ran
 * @param breakwater how Breakwater was started (JVM flags, jar)
 * @param environment versions and machine
 * @param loadAtStart /proc/loadavg at start
 * @param loadAtEnd /proc/loadavg at the end
 */
public record RunInfo(String command, Instant started, Duration elapsed, String settings, List<Arm> arms, String breakwater,
    Environment environment, String loadAtStart, String loadAtEnd) {}
