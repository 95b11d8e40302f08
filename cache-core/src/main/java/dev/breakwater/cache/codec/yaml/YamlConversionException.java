package dev.breakwater.cache.codec.yaml;

/**
 * JSON the apiserver's {@code yaml.JSONToYAML} would fail on (yaml.v2 refuses it: a raw control
 * character such as DEL or U+0080, an escaped surrogate, a key longer than 1022 characters or
 * spanning a raw line break, a document indicator after a raw NEL), or that is not JSON. The
 * apiserver answers such a read with a 500 in YAML; callers send the request upstream, which words it.
 */
public final class YamlConversionException extends RuntimeException {

  public YamlConversionException(String message) {
    super(message);
  }
}
