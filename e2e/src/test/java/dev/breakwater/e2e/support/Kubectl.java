package dev.breakwater.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the fixture's kubectl 1.36.3 against a kubeconfig, with a hard timeout. */
public final class Kubectl {

  private final Path kubeconfig;
  private final Map<String, String> env;

  public Kubectl(Path kubeconfig) {
    this(kubeconfig, Map.of());
  }

  private Kubectl(Path kubeconfig, Map<String, String> env) {
    this.kubeconfig = kubeconfig;
    this.env = env;
  }

  /** The same kubectl with extra environment, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false. */
  public Kubectl withEnv(Map<String, String> extra) {
    var merged = new java.util.HashMap<>(env);
    merged.putAll(extra);
    return new Kubectl(kubeconfig, Map.copyOf(merged));
  }

  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  public Result run(String... args) {
    return run(null, Duration.ofSeconds(60), args);
  }

  public Result run(String stdin, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Fixture.binaries().kubectl().toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread to = copy(p.getInputStream(), out);
      Thread te = copy(p.getErrorStream(), err);
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      to.join(5_000);
      te.join(5_000);
      return new Result(p.isAlive() ? -1 : p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts kubectl in the background (port-forward, logs -f, get -w); the caller destroys it. */
  public Process start(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Fixture.binaries().kubectl().toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    }
  }

  private static Thread copy(InputStream in, OutputStream out) {
    Thread t = Thread.ofVirtual().start(() -> {
      try (in) {
        in.transferTo(out);
      } catch (IOException e) {
        // process ended
      }
    });
    return t;
  }
}
