package dev.breakwater.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** Progress lines on stderr and in {@code bench.log} of the results folder, stamped with the time since the run began. */
public final class Log {

  private final long startNanos = System.nanoTime();
  private final Path file;

  public Log(Path file) {
    this.file = file;
  }

  public synchronized void info(String format, Object... args) {
    long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
    String line = String.format(Locale.ROOT, "[%02d:%02d] ", s / 60, s % 60) + String.format(Locale.ROOT, format, args);
    System.err.println(line);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // stderr has it
    }
  }
}
