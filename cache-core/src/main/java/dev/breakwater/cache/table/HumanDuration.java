package dev.breakwater.cache.table;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code duration.HumanDuration} (k8s.io/apimachinery/pkg/util/duration): the AGE column and
 * every other "time since" cell of the apiserver's printers, ~2–3 significant figures.
 * Pure; thread-safe.
 */
public final class HumanDuration {

  private HumanDuration() {}

  /** {@code translateTimestampSince}: {@code <unknown>} for a zero (absent) time, else the time since {@code t}. */
  public static String since(Instant t, Instant now) {
    if (t == null) {
      return "<unknown>";
    }
    return of(Duration.between(t, now));
  }

  public static String of(Duration d) {
    long nanos = saturatedNanos(d);
    long seconds = nanos / 1_000_000_000L; // int(d.Seconds()) truncates toward zero
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = nanos / 60_000_000_000L;
    if (minutes < 10) {
      long s = (nanos / 1_000_000_000L) % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = nanos / 3_600_000_000_000L;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** {@code duration.ShortHumanDuration}. */
  public static String shortOf(Duration d) {
    long nanos = saturatedNanos(d);
    long seconds = nanos / 1_000_000_000L;
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = nanos / 60_000_000_000L;
    if (minutes < 60) {
      return minutes + "m";
    }
    long hours = nanos / 3_600_000_000_000L;
    if (hours < 24) {
      return hours + "h";
    } else if (hours < 24 * 365) {
      return hours / 24 + "d";
    }
    return (long) ((double) nanos / 3.6e12 / 24 / 365) + "y";
  }

  /** Go's time.Duration is int64 nanoseconds; {@code time.Since} saturates. */
  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
