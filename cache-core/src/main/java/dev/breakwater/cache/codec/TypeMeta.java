package dev.breakwater.cache.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code kind}/{@code apiVersion} pair of a built-in resource, and the one byte-level fact
 * about it that serving depends on: the apiserver writes built-in objects with TypeMeta first
 * ({@code {"kind":"ConfigMap","apiVersion":"v1","metadata":…}}) in GET responses and watch
 * events, but without it as items of a LIST ({@code {"metadata":…}}). Custom resources carry
 * {@code apiVersion}/{@code kind} everywhere and need no such handling.
 *
 * <p>So a built-in object is stored once, bare (what a LIST item is), and {@link #prefix()} is
 * spliced in front of its bytes after the opening brace for GET and watch: still one
 * serialization per object, no re-encoding. Immutable, thread-safe.
 */
public final class TypeMeta {

  private final String kind;
  private final String apiVersion;
  private final byte[] prefix;

  public TypeMeta(String kind, String apiVersion) {
    this.kind = kind;
    this.apiVersion = apiVersion;
    // Kinds and group/versions are identifiers: no JSON escaping needed.
    this.prefix = ("{\"kind\":\"" + kind + "\",\"apiVersion\":\"" + apiVersion + "\",").getBytes(StandardCharsets.UTF_8);
  }

  public String kind() {
    return kind;
  }

  public String apiVersion() {
    return apiVersion;
  }

  /** {@code {"kind":"K","apiVersion":"V",} — the bytes that replace a bare object's opening brace. */
  public byte[] prefix() {
    return prefix.clone();
  }

  /** Length of the TypeMeta prefix at {@code json[offset…]}, or 0 when it does not start there. */
  public int prefixLengthAt(byte[] json, int offset, int length) {
    if (length <= prefix.length) {
      return 0;
    }
    return Arrays.equals(json, offset, offset + prefix.length, prefix, 0, prefix.length) ? prefix.length : 0;
  }

  @Override
  public String toString() {
    return apiVersion + ", Kind=" + kind;
  }
}
