package dev.breakwater.bench.env;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the harness starts a Breakwater process: the shaded jar the launcher builds
 * ({@code proxy/target/breakwater.jar}), or — when there is no jar, as in the smoke test under
 * {@code mvn test} — {@code dev.breakwater.proxy.Main} from this JVM's class path, which holds
 * the same classes. Either way it is its own OS process, so /proc attributes its memory and CPU.
 *
 * @param jar the shaded jar, or null for the class path
 * @param jvmOptions options before {@code -jar}/{@code -cp}
 */
public record BreakwaterLaunch(Path jar, List<String> jvmOptions) {

  /** The launcher's own flags ({@code ./breakwater serve} runs Breakwater with these). */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseCompactObjectHeaders", "-XX:+UseZGC",
      "-XX:SoftMaxHeapSize=512m");

  public BreakwaterLaunch {
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The jar if it exists, else the class path. */
  public static BreakwaterLaunch of(Path jarOrNull, List<String> jvmOptions) {
    return new BreakwaterLaunch(jarOrNull != null && Files.isRegularFile(jarOrNull) ? jarOrNull : null, jvmOptions);
  }

  public Path javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** The command line up to and including the main class (or jar): arguments follow. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable().toString());
    cmd.addAll(jvmOptions);
    if (jar != null) {
      cmd.add("-jar");
      cmd.add(jar.toString());
    } else {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add("dev.breakwater.proxy.Main");
    }
    return cmd;
  }

  public String describe() {
    return String.join(" ", jvmOptions) + (jar != null ? " -jar " + jar : " -cp <bench class path> dev.breakwater.proxy.Main");
  }
}
