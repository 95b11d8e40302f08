package dev.breakwater.cache.reflector;

/** Upstream bytes (a LIST page or a watch frame) that are not what the apiserver sends; a one-line reason. */
public final class FrameDecodeException extends Exception {
  public FrameDecodeException(String message) {
    super(message, null, false, false);
  }
}
