package dev.breakwater.bench.scenario;

/** One experiment of issue 6. It creates its data, runs every arm {@code repeats} times, records figures and removes its data. */
public interface Scenario {

  String id();

  String title();

  void run(BenchContext ctx) throws Exception;
}
