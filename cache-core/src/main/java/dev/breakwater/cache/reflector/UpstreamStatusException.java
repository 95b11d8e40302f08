package dev.breakwater.cache.reflector;

/**
 * The upstream answered with a metav1.Status failure (as an HTTP error or a watch ERROR event).
 * Carries the code and reason the reflector decides on (410 → relist).
 */
public final class UpstreamStatusException extends RuntimeException {

  private final int code;
  private final String reason;

  public UpstreamStatusException(int code, String reason, String message) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason == null ? "" : reason;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** 410 Gone / Expired: the resourceVersion asked for is no longer available. */
  public boolean gone() {
    return code == 410;
  }

  @Override
  public String toString() {
    return "upstream status " + code + " " + reason + ": " + getMessage();
  }
}
